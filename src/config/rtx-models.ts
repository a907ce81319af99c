/**
 * Id ranges of the RTX models, for rejecting tunnel and keepalive ids the router cannot take.
 * Keepalive ids: YAMAHA command reference Rev.23.02.02 §8.5.8 (`ip keepalive`): 1..100 on most
 * models, 1..1000 on RTX3500, 1..3000 on RTX5000/RTX3510, 1..6000 on vRX.
 * Tunnel numbers: the table opening chapter 15 of that reference: RTX830/RTX840 1..20,
 * RTX1210/RTX1220/RTX1300 1..100, RTX3510 1..1000, RTX5000 1..3000, vRX 1..6000 (YSL-VPN-EX
 * licences raise some; a model not listed is checked against the widest range).
 * Not in that reference: RTX3500 (its tunnel range is taken as RTX3510's, unverified) and RTX810,
 * which the current reference no longer covers at all: its 6 is the product's published count of
 * VPN tunnels, not a verified `tunnel select` range, and its `ip keepalive` range is assumed to
 * be the common 1..100. docs/rtx.md says the same.
 *
 * LAN interfaces (lan1..lanN, for rtx.wanInterface), only where a source says how many:
 * - RTX1210: 3, the "3LAN" in the `show config` header of the real RTX1210 configurations in
 *   test/rtx/corpus/ (03, W3a, W3b).
 * - RTX1220: 3, as RTX1210: YAMAHA's technical document "フレキシブルLAN/WANポート" (flexible
 *   LAN/WAN port) treats RTX1200/RTX1210/RTX1220 alike as fixed lan1 (8-port hub), lan2, lan3.
 * - RTX1300: 8. Its ports are mapped to LAN interfaces by `lan flexible-port` (that same
 *   document: the number of interfaces changes with the mapping), and the real RTX1300 header
 *   in test/rtx/corpus/02 reads "8LAN".
 * - RTX810, RTX830: 2 (lan1 a 4-port hub, lan2 one port), from YAMAHA's product specifications;
 *   no copy of those was found to re-read here, so these two are the least certain.
 * Others (RTX840, RTX3500, RTX3510, RTX5000, vRX): not found; not checked.
 * LAN division makes lan1.N / vlanN interfaces, which rtx.wanInterface does not take anyway.
 */
export interface RtxModelLimits {
  maxTunnel: number;
  maxKeepalive: number;
  /** The highest N of lanN; undefined when no source was found for the model. */
  lanInterfaces?: number;
}

export const RTX_MODELS: Record<string, RtxModelLimits> = {
  RTX810: { maxTunnel: 6, maxKeepalive: 100, lanInterfaces: 2 },
  RTX830: { maxTunnel: 20, maxKeepalive: 100, lanInterfaces: 2 },
  RTX840: { maxTunnel: 20, maxKeepalive: 100 },
  RTX1210: { maxTunnel: 100, maxKeepalive: 100, lanInterfaces: 3 },
  RTX1220: { maxTunnel: 100, maxKeepalive: 100, lanInterfaces: 3 },
  RTX1300: { maxTunnel: 100, maxKeepalive: 100, lanInterfaces: 8 },
  RTX3500: { maxTunnel: 1000, maxKeepalive: 1000 },
  RTX3510: { maxTunnel: 1000, maxKeepalive: 3000 },
  RTX5000: { maxTunnel: 3000, maxKeepalive: 3000 },
  vRX: { maxTunnel: 6000, maxKeepalive: 6000 },
};

export const UNKNOWN_MODEL_LIMITS: RtxModelLimits = { maxTunnel: 6000, maxKeepalive: 100 };

/** `ipv6 filter` numbers (static filters), per §30.7.1. */
export const MAX_IPV6_FILTER_ID = 21474836;
