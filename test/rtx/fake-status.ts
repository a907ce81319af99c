/**
 * What the fake router prints for the two read-only commands `npm run status` sends, derived from
 * its running configuration and the keepalives the test has failed.
 *
 * Modelled wording (the command reference, chapter 58, gives the syntax of `show status tunnel
 * [tunnel_num]` (58.41) and `show ip route [destination]` (58.4) but no output): public RTX1300
 * console captures with an English console, which print for `show status ipip`
 *   "TUNNEL[1]: " / "  Current status is Online." / "  from 2022/12/12 20:12:29." / ...
 * and for `show ip route`
 *   "Destination         Gateway          Interface       Kind  Additional Info."
 *   "default             -                 TUNNEL[1]    static  "
 *   "192.168.182.0/24    192.168.182.1          LAN1  implicit  "
 * "Offline" for a tunnel that is not enabled follows the same sentence. No public capture shows
 * the Japanese console's status sentence, so the fake prints the English one in both languages
 * and the client's parser is tested to say "unknown" on anything else.
 */
import { FakeConfig } from "./fake-config";

export function showStatusTunnel(config: FakeConfig, id: string): string[] {
  const enabled = config.find(`tunnel enable ${id}`, { kind: "tunnel", id }) !== undefined;
  const lines = [`TUNNEL[${id}]: `];
  if (!enabled) return [...lines, "  Current status is Offline."];
  return [
    ...lines,
    "  Current status is Online.",
    "  from 2024/01/01 00:00:00.",
    "  1 hour 2 minutes 3 seconds  connection.",
    "  Received:    (IPv4) 1200 packets [100800 octets]",
    "               (IPv6) 0 packet [0 octet]",
    "  Transmitted: (IPv4) 1200 packets [100800 octets]",
    "               (IPv6) 0 packet [0 octet]",
  ];
}

function row(destination: string, gateway: string, iface: string, kind: string): string {
  return `${destination.padEnd(20)}${gateway.padEnd(17)}${iface.padStart(12)}  ${kind}  `;
}

/**
 * The routing table: implicit LAN networks, then each `ip route` whose first gateway with a
 * working keepalive (or none) is taken; a route all of whose keepalives are down is not listed.
 */
export function showIpRoute(config: FakeConfig, keepalivesDown: ReadonlySet<number>): string[] {
  const out = [row("Destination", "Gateway", "Interface", "Kind") + "Additional Info."];
  for (const line of config.lines()) {
    const lan = /^ip (lan\d+) address (\d+\.\d+\.\d+)\.\d+\/(\d+)$/.exec(line);
    if (lan)
      out.push(row(`${lan[2]}.0/${lan[3]}`, `${lan[2]}.1`, lan[1].toUpperCase(), "implicit"));
    const route = /^ip route (\S+) (gateway .*)$/.exec(line);
    if (!route) continue;
    const choices = route[2].split(/\s*gateway\s+/).filter(Boolean);
    for (const choice of choices) {
      const tunnel = /^tunnel (\d+)(?: keepalive (\d+))?/.exec(choice);
      const address = /^(\d+\.\d+\.\d+\.\d+)(?: keepalive (\d+))?/.exec(choice);
      const keepalive = Number((tunnel ?? address)?.[2] ?? 0);
      if (keepalive && keepalivesDown.has(keepalive)) continue;
      const destination =
        route[1].includes("/") || route[1] === "default" ? route[1] : `${route[1]}/32`;
      if (tunnel) out.push(row(destination, "-", `TUNNEL[${tunnel[1]}]`, "static"));
      else if (address) out.push(row(destination, address[1], "LAN2", "static"));
      break;
    }
  }
  return out;
}
