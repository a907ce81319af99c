/** What `render` produces for one site stack: the shape `render --json` prints (docs/design.md "Contracts"). */

export interface TunnelFigures {
  /** MTU of tun0 on the gateways and of the RTX tunnels (`ip tunnel mtu`). */
  mtu: number;
  /** TCP MSS that the clamps produce: mtu - 40. */
  mss: number;
  /** Present when the path allows more than the RTX takes: what it allows (mtu is then 1500). */
  cappedFrom?: number;
}

export interface GatewayFile {
  content: string;
  /** Octal mode, e.g. "0644" or "0755". */
  mode: string;
}

export interface RenderedGateway {
  /** 0 or 1: gateway 0 is the preferred (primary) one. */
  index: number;
  /** "gw-a" or "gw-b". */
  name: string;
  privateIp: string;
  peerPrivateIp: string;
  /** The gateway's IPv6 tunnel endpoint (ISATAP address or native VPC IPv6). */
  tunnelAddress: string;
  /** Absolute path on the gateway -> file content. */
  files: Record<string, string>;
  /** Absolute path -> mode, for every key of `files`. */
  fileModes: Record<string, string>;
  /** Bash run as root (stdin of `sudo bash -s`): writes every file, then applies. Idempotent. */
  installScript: string;
  /** Bash run as root: undoes everything installScript did. Idempotent. */
  removeScript: string;
  /** Bash run as root after a change: waits until keepalived runs and the tunnel is up, or fails. */
  healthWaitScript: string;
}

export interface RenderedRtx {
  /** Desired configuration lines in order; lines of a `tunnel select N` block are indented by one space. */
  commands: string[];
  /** The lines that remove exactly what `commands` adds, in order. */
  removeCommands: string[];
  /** Rendered keepalive interval × count, in ms: the fastest the RTX can judge a tunnel down. */
  keepaliveDetectionMs: number;
  /** Rendered keepalive interval, in ms: a failure can fall anywhere between two probes. */
  keepaliveIntervalMs: number;
}

export interface RenderedSite {
  site: string;
  mode: "isatap" | "native";
  tunnel: TunnelFigures;
  gateways: RenderedGateway[];
  rtx: RenderedRtx;
}
