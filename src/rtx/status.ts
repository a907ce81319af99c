/**
 * The RTX's view of the link, read-only: one login as the general user (no `administrator`, no
 * console setting changed, nothing sent that is not a `show`), then `show status tunnel N` for
 * each gateway's tunnel (command reference 58.41) and `show ip route` (58.4).
 *
 * Output formats: the reference gives syntax, not output. The wording parsed here is that of
 * public console captures of RTX1300 (English console): `show status ipip` printing
 * "TUNNEL[1]:" then "Current status is Online.", and `show ip route` printing a
 * "Destination Gateway Interface Kind Additional Info." table whose tunnel rows read
 * "default  -  TUNNEL[1]  static". A console in Japanese prints other words for the status line:
 * that is reported as "unknown" with the lines shown, never guessed.
 */
import { RtxSession, SessionOptions } from "./session";
import { findErrorLine } from "./terminal";
import { RtxError } from "./errors";

export interface TunnelStatus {
  tunnelId: number;
  status: "online" | "offline" | "unknown";
  lines: string[];
}

/** Parses `show status tunnel N`. */
export function parseTunnelStatus(tunnelId: number, output: string): TunnelStatus {
  const lines = output
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
  const m = /current status is (online|offline)/i.exec(output);
  const status = m ? (m[1].toLowerCase() as "online" | "offline") : "unknown";
  return { tunnelId, status, lines: lines.slice(0, 4) };
}

export interface RouteRow {
  destination: string;
  gateway: string;
  interface: string;
  kind: string;
}

/** The rows of `show ip route` (the header, in either language, is skipped: it has no "/" or "["). */
export function parseIpRoutes(output: string): RouteRow[] {
  const rows: RouteRow[] = [];
  for (const line of output.split("\n")) {
    const t = line.trim().split(/\s+/);
    if (t.length < 4) continue;
    const [destination, gateway, iface, kind] = t;
    if (!/^(default|\d+\.\d+\.\d+\.\d+(\/\d+)?)$/.test(destination)) continue;
    rows.push({ destination, gateway, interface: iface, kind });
  }
  return rows;
}

/** The tunnel number a row goes out of ("TUNNEL[2]" -> 2), if it is a tunnel. */
export function tunnelOfInterface(iface: string): number | undefined {
  const m = /^TUNNEL\[(\d+)\]$/i.exec(iface);
  return m ? Number(m[1]) : undefined;
}

export interface RtxStatusRead {
  tunnels: TunnelStatus[];
  routes: RouteRow[];
}

/** Logs in, reads, logs out. Throws an RtxError (passwords never in it) when it cannot. */
export async function readRtxStatus(
  options: SessionOptions,
  tunnelIds: readonly number[],
): Promise<RtxStatusRead> {
  const session = await RtxSession.open(options);
  try {
    const tunnels: TunnelStatus[] = [];
    for (const id of tunnelIds) {
      const output = await session.command(`show status tunnel ${id}`);
      const error = findErrorLine(output);
      if (error) throw new RtxError(`"show status tunnel ${id}" failed: ${session.safe(error)}`);
      tunnels.push(parseTunnelStatus(id, output));
    }
    const routes = await session.command("show ip route");
    const error = findErrorLine(routes);
    if (error) throw new RtxError(`"show ip route" failed: ${session.safe(error)}`);
    return { tunnels, routes: parseIpRoutes(routes) };
  } finally {
    await session.close();
  }
}
