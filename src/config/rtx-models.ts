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
 */
export interface RtxModelLimits {
  maxTunnel: number;
  maxKeepalive: number;
}

export const RTX_MODELS: Record<string, RtxModelLimits> = {
  RTX810: { maxTunnel: 6, maxKeepalive: 100 },
  RTX830: { maxTunnel: 20, maxKeepalive: 100 },
  RTX840: { maxTunnel: 20, maxKeepalive: 100 },
  RTX1210: { maxTunnel: 100, maxKeepalive: 100 },
  RTX1220: { maxTunnel: 100, maxKeepalive: 100 },
  RTX1300: { maxTunnel: 100, maxKeepalive: 100 },
  RTX3500: { maxTunnel: 1000, maxKeepalive: 1000 },
  RTX3510: { maxTunnel: 1000, maxKeepalive: 3000 },
  RTX5000: { maxTunnel: 3000, maxKeepalive: 3000 },
  vRX: { maxTunnel: 6000, maxKeepalive: 6000 },
};

export const UNKNOWN_MODEL_LIMITS: RtxModelLimits = { maxTunnel: 6000, maxKeepalive: 100 };

/** `ipv6 filter` numbers (static filters), per §30.7.1. */
export const MAX_IPV6_FILTER_ID = 21474836;
