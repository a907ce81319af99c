/**
 * Gathers the three sources at once and judges. Each source is a function handed in (AWS SDK,
 * SSH, the RTX client in bin/status.ts; mocks and stand-ins in the tests); one that fails becomes
 * "unreachable" with its reason, and the others are still reported.
 */
import { StackConfig } from "../config/types";
import { gatewayContext } from "../gateway/context";
import { GATEWAY_NAMES } from "../render/derived";
import { RouteRow, RtxStatusRead, tunnelOfInterface } from "../rtx/status";
import { parseGatewayRead } from "./gateway";
import { GatewayAddress } from "./routes";
import { GatewayView, RoutesView, RtxRouteView, RtxView, StatusReport } from "./types";
import { judge } from "./verdict";

export interface StatusSources {
  routes(): Promise<RoutesView>;
  /** The raw output of GATEWAY_READ_SCRIPT on one gateway. */
  gateway(address: GatewayAddress): Promise<string>;
  rtx(): Promise<RtxStatusRead>;
}

/** One line, no stack: what an operator needs to see of an error. */
function reason(error: unknown): string {
  return ((error as Error).message ?? String(error)).split("\n")[0];
}

export function gatewayAddresses(config: StackConfig): GatewayAddress[] {
  return config.gateways.map((g, i) => ({ name: GATEWAY_NAMES[i], privateIp: g.privateIp }));
}

async function readGateway(
  config: StackConfig,
  index: number,
  sources: StatusSources,
): Promise<GatewayView> {
  const address = gatewayAddresses(config)[index];
  const placeholder = gatewayContext(config, index).vrrp.placeholder;
  try {
    const output = await sources.gateway(address);
    return { ...address, state: parseGatewayRead(output, placeholder) };
  } catch (error) {
    return { ...address, state: { error: reason(error) } };
  }
}

/** The RTX's rows for the VPC networks, named by the gateway whose tunnel they leave by. */
export function rtxRoutesFor(config: StackConfig, rows: RouteRow[]): RtxRouteView[] {
  return config.vpc.cidrs.map((cidr) => {
    const row = rows.find((r) => r.destination === cidr);
    if (!row) return { destination: cidr, gateway: null, interface: null };
    const index = config.rtx.tunnelIds.indexOf(tunnelOfInterface(row.interface) ?? -1);
    return {
      destination: cidr,
      gateway: index >= 0 ? GATEWAY_NAMES[index] : "other",
      interface: row.interface,
    };
  });
}

async function readRtx(config: StackConfig, sources: StatusSources): Promise<RtxView> {
  try {
    const read = await sources.rtx();
    return {
      tunnels: config.rtx.tunnelIds.map((tunnelId, i) => {
        const t = read.tunnels.find((x) => x.tunnelId === tunnelId);
        return {
          gateway: GATEWAY_NAMES[i],
          tunnelId,
          tunnel: t?.status ?? "unknown",
          evidence: t?.lines ?? [],
        };
      }),
      routes: rtxRoutesFor(config, read.routes),
    };
  } catch (error) {
    return { error: reason(error) };
  }
}

export async function collectStatus(
  config: StackConfig,
  sources: StatusSources,
  now: Date = new Date(),
): Promise<StatusReport> {
  const [routes, gateways, rtx] = await Promise.all([
    sources.routes().catch((error: unknown): RoutesView => ({ error: reason(error) })),
    Promise.all(config.gateways.map((_, i) => readGateway(config, i, sources))),
    readRtx(config, sources),
  ]);
  const judgement = judge(routes, gateways, rtx);
  return {
    site: config.site.name,
    checkedAt: now.toISOString(),
    routes,
    gateways,
    rtx,
    ...judgement,
  };
}
