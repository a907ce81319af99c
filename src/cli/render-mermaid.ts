/**
 * `render --mermaid`: the stack's own topology as a Mermaid flowchart, with its addresses,
 * tunnels and routes, to paste into a README, a ticket or a change request.
 */
import { StackConfig } from "../config/types";
import { RenderedSite } from "../render/types";

/** Mermaid node labels are quoted strings: a double quote would end one. */
function label(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, "'")).join("<br/>")}"`;
}

function ipv6Network(config: StackConfig): string[] {
  if (config.ipv6.mode === "native") {
    return [`  v6[${label("closed IPv6 network", "native VPC IPv6")}]`];
  }
  return [
    `  v6[${label(
      "closed IPv6 network",
      `ISATAP router ${config.ipv6.isatapRouter}`,
      `prefix ${config.ipv6.isatapPrefix}`,
    )}]`,
  ];
}

export function renderMermaid(config: StackConfig, site: RenderedSite): string {
  const [a, b] = site.gateways;
  const [tunnelA, tunnelB] = config.rtx.tunnelIds;
  const mtu = `MTU ${site.tunnel.mtu}, MSS ${site.tunnel.mss}`;
  const gateway = (g: typeof a, id: string) =>
    `    ${id}[${label(`${g.name} ${g.privateIp}`, `tun0 ${g.tunnelAddress}`)}]`;
  return [
    "flowchart LR",
    `  subgraph VPC[${label(`VPC ${config.vpc.id}`, config.vpc.cidrs.join(", "))}]`,
    `    rt[${label("route tables", ...config.vpc.routeTableIds, `${config.site.cidrs.join(", ")} → active gateway`)}]`,
    gateway(a, "gwa"),
    gateway(b, "gwb"),
    "    rt --> gwa",
    `    rt -.->|${label("standby")}| gwb`,
    `    gwa <-.->|${label("VRRPv3 unicast")}| gwb`,
    "  end",
    ...ipv6Network(config),
    `  subgraph SITE[${label(`site ${config.site.name}`, config.site.cidrs.join(", "))}]`,
    `    rtx[${label(`RTX ${config.rtx.model ?? ""}`.trim(), config.rtx.ipv6Address, `LAN ${config.rtx.lanAddress}`)}]`,
    `    lan[${label("site LAN", ...config.site.cidrs)}]`,
    "    rtx --> lan",
    "  end",
    `  gwa ==>|${label(`tunnel ${tunnelA} ipip6`, mtu)}| v6`,
    `  gwb ==>|${label(`tunnel ${tunnelB} ipip6`, mtu)}| v6`,
    "  v6 ==> rtx",
    "",
  ].join("\n");
}
