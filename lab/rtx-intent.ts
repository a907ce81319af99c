/**
 * What the RTX stand-in must do, read from the rendered RTX command lines (`rtx.commands`), so the
 * lab mirrors the rendered intent instead of a hard-coded copy of it.
 */

export interface RtxTunnelIntent {
  id: number;
  /** Remote endpoint: the last address of `tunnel endpoint address`. */
  remote: string;
  encapsulation?: string;
  /** `ip tunnel mtu N`; undefined means the RTX default. */
  mtu?: number;
  /** `ip tunnel tcp mss limit auto`: clamp SYNs through the tunnel to mtu - 40. */
  mssAuto: boolean;
  enabled: boolean;
}

export interface RtxKeepaliveIntent {
  id: number;
  kind: string;
  intervalS: number;
  count: number;
  target: string;
  localAddress?: string;
  /** `upwait=`: seconds a probe waits for its reply while the keepalive is down. */
  upwaitS: number;
  /** `downwait=`: seconds a probe waits for its reply while the keepalive is up. */
  downwaitS: number;
}

export interface RtxRouteHop {
  tunnel: number;
  keepalive?: number;
  weight?: number;
}

export interface RtxRouteIntent {
  destination: string;
  hops: RtxRouteHop[];
}

export interface RtxIntent {
  tunnels: RtxTunnelIntent[];
  keepalives: RtxKeepaliveIntent[];
  routes: RtxRouteIntent[];
}

/** The RTX's reply timeout when upwait/downwait are not given (YAMAHA command reference). */
export const RTX_DEFAULT_WAIT_S = 5;

/** The RTX default tunnel MTU, used when no `ip tunnel mtu` is rendered. */
export const RTX_DEFAULT_TUNNEL_MTU = 1280;

export function parseRtxIntent(commands: readonly string[]): RtxIntent {
  const tunnels = new Map<number, Partial<RtxTunnelIntent>>();
  const keepalives: RtxKeepaliveIntent[] = [];
  const routes: RtxRouteIntent[] = [];
  const enabled = new Set<number>();
  let context: number | undefined;
  const tunnel = (id: number) => {
    if (!tunnels.has(id)) tunnels.set(id, { id, mssAuto: false });
    return tunnels.get(id)!;
  };
  for (const raw of commands) {
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0 || words[0].startsWith("#")) continue;
    const line = words.join(" ");
    if (line.startsWith("tunnel select ")) {
      context = words[2] === "none" ? undefined : toInt(words[2], line);
      if (context !== undefined) tunnel(context);
    } else if (line.startsWith("tunnel enable ")) {
      enabled.add(toInt(words[2], line));
    } else if (line.startsWith("tunnel encapsulation ") && context !== undefined) {
      tunnel(context).encapsulation = words[2];
    } else if (line.startsWith("tunnel endpoint ") && context !== undefined) {
      tunnel(context).remote = endpointRemote(words, line);
    } else if (line.startsWith("ip tunnel mtu ") && context !== undefined) {
      tunnel(context).mtu = toInt(words[3], line);
    } else if (line === "ip tunnel tcp mss limit auto" && context !== undefined) {
      tunnel(context).mssAuto = true;
    } else if (line.startsWith("ip keepalive ")) {
      keepalives.push(parseKeepalive(words, line));
    } else if (line.startsWith("ip route ")) {
      routes.push(parseRoute(words, line));
    }
  }
  return {
    tunnels: [...tunnels.values()].map((t) => finishTunnel(t, enabled)),
    keepalives,
    routes,
  };
}

function finishTunnel(t: Partial<RtxTunnelIntent>, enabled: Set<number>): RtxTunnelIntent {
  if (!t.remote)
    throw new Error(`RTX tunnel ${t.id}: no "tunnel endpoint" line to take the remote from`);
  return {
    id: t.id!,
    remote: t.remote,
    encapsulation: t.encapsulation,
    mtu: t.mtu,
    mssAuto: t.mssAuto ?? false,
    enabled: enabled.has(t.id!),
  };
}

/** `tunnel endpoint address [local] remote` or `tunnel endpoint remote address X`. */
function endpointRemote(words: string[], line: string): string {
  if (words[2] === "local") throw new Error(`not a remote endpoint: "${line}"`);
  const remote = words[words.length - 1];
  if (!remote.includes(":") && !remote.includes("."))
    throw new Error(`no endpoint address in "${line}"`);
  return remote;
}

/** `ip keepalive N icmp-echo INTERVAL COUNT TARGET [key=value...]`. */
function parseKeepalive(words: string[], line: string): RtxKeepaliveIntent {
  const positional = words.filter((w) => !w.includes("="));
  const options = new Map(
    words
      .filter((w) => w.includes("="))
      .map((w) => [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)]),
  );
  if (positional.length !== 7) throw new Error(`cannot read keepalive "${line}"`);
  const [, , id, kind, interval, count, target] = positional;
  if (kind !== "icmp-echo")
    throw new Error(`keepalive kind ${kind} is not mirrored by the lab: "${line}"`);
  return {
    id: toInt(id, line),
    kind,
    intervalS: toInt(interval, line),
    count: toInt(count, line),
    target,
    localAddress: options.get("local-address"),
    upwaitS: options.has("upwait") ? toInt(options.get("upwait")!, line) : RTX_DEFAULT_WAIT_S,
    downwaitS: options.has("downwait") ? toInt(options.get("downwait")!, line) : RTX_DEFAULT_WAIT_S,
  };
}

/** `ip route DEST gateway tunnel N [keepalive K] [weight W] [gateway tunnel M ...]`. */
function parseRoute(words: string[], line: string): RtxRouteIntent {
  const hops: RtxRouteHop[] = [];
  let i = 3;
  while (i < words.length) {
    if (words[i] !== "gateway" || words[i + 1] !== "tunnel") {
      throw new Error(`the lab mirrors only tunnel routes; cannot read "${line}" at "${words[i]}"`);
    }
    const hop: RtxRouteHop = { tunnel: toInt(words[i + 2], line) };
    i += 3;
    while (i < words.length && words[i] !== "gateway") {
      if (words[i] === "keepalive") hop.keepalive = toInt(words[i + 1], line);
      else if (words[i] === "weight") hop.weight = toInt(words[i + 1], line);
      else throw new Error(`unknown route option "${words[i]}" in "${line}"`);
      i += 2;
    }
    hops.push(hop);
  }
  if (hops.length === 0) throw new Error(`route without a gateway: "${line}"`);
  return { destination: words[2], hops };
}

function toInt(text: string | undefined, line: string): number {
  if (text === undefined || !/^\d+$/.test(text))
    throw new Error(`expected a number, got "${text}" in "${line}"`);
  return Number(text);
}

/** The fastest a keepalive can judge its tunnel down: `count` unanswered probes, `interval` apart. */
export function keepaliveDetectionBoundMs(k: RtxKeepaliveIntent): number {
  return k.intervalS * 1000 * k.count;
}
