/**
 * Rendered-style RTX lists for the osaka example with chosen tunnel ids, filter id and VPC
 * networks, to model a stack whose list changes between two `pulumi up`s. Pure data: the unit
 * suite uses it too.
 */
const GW_A = "2001:db8:1::5efe:a00:10a";
const GW_B = "2001:db8:1::5efe:a00:20a";

export interface SiteListOptions {
  tunnels?: [number, number];
  keepalives?: [number, number];
  filterId?: number;
  vpcCidrs?: string[];
  mtu?: number;
  wanInterface?: string;
}

function tunnelBlock(tunnel: number, gateway: string, remote: string, mtu: number): string[] {
  return [
    `tunnel select ${tunnel}`,
    ` description tunnel vpc-ipip6-gateway:osaka:${gateway}`,
    " tunnel encapsulation ipip",
    ` tunnel endpoint address 2001:db8:ff::2 ${remote}`,
    ` ip tunnel mtu ${mtu}`,
    " ip tunnel tcp mss limit auto",
    ` tunnel enable ${tunnel}`,
  ];
}

/** The list `render --json` would give for these choices (the defaults are the example stack's). */
export function siteList(options: SiteListOptions = {}): string[] {
  const [a, b] = options.tunnels ?? [1, 2];
  const [ka, kb] = options.keepalives ?? [1, 2];
  const wan = options.wanInterface ?? "lan2";
  const filterId = options.filterId ?? 101035;
  const mtu = options.mtu ?? 1440;
  const keepalive = (id: number, target: string) =>
    `ip keepalive ${id} icmp-echo 1 3 ${target} upwait=1 downwait=1 local-address=192.168.10.1`;
  return [
    `ipv6 filter ${filterId} pass ${GW_A},${GW_B} * 4`,
    `ipv6 ${wan} secure filter in ${filterId}`,
    ...tunnelBlock(a, "gw-a", GW_A, mtu),
    ...tunnelBlock(b, "gw-b", GW_B, mtu),
    keepalive(ka, "10.0.1.10"),
    keepalive(kb, "10.0.2.10"),
    `ip route 10.0.1.10 gateway tunnel ${a}`,
    `ip route 10.0.2.10 gateway tunnel ${b}`,
    ...(options.vpcCidrs ?? ["10.0.0.0/16"]).map(
      (cidr) =>
        `ip route ${cidr} gateway tunnel ${a} keepalive ${ka} gateway tunnel ${b} keepalive ${kb} weight 0`,
    ),
  ];
}

/** The two lists of the list-change scenario: tunnels 1,2 -> 3,4 and VPC network 10.1.0.0/16 dropped. */
export const BEFORE_CHANGE = siteList({ vpcCidrs: ["10.0.0.0/16", "10.1.0.0/16"] });
export const AFTER_CHANGE = siteList({ tunnels: [3, 4] });
