/**
 * Id ranges of the RTX models, for rejecting tunnel and keepalive ids the router cannot take.
 * Keepalive ids: YAMAHA command reference Rev.23.02.02 §8.5.8 (`ip keepalive`): 1..100 on most
 * models, 1..1000 on RTX3500, 1..3000 on RTX5000/RTX3510, 1..6000 on vRX.
 * Tunnel numbers: the models' base tunnel counts (extension licences raise some of them), so a
 * model not listed is checked against the largest base count any model has.
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
  RTX3510: { maxTunnel: 3000, maxKeepalive: 3000 },
  RTX5000: { maxTunnel: 3000, maxKeepalive: 3000 },
};

export const UNKNOWN_MODEL_LIMITS: RtxModelLimits = { maxTunnel: 3000, maxKeepalive: 100 };

/** `ipv6 filter` numbers (static filters), per §30.7.1. */
export const MAX_IPV6_FILTER_ID = 21474836;
