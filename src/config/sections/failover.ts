/** `failover`: VRRP advert interval and the RTX keepalive timing. */

import { defaultOf, fullKey, keysOf } from "../contract";
import { ConfigReader } from "../reader";
import { FailoverConfig } from "../types";

export function readFailover(r: ConfigReader, value: unknown): FailoverConfig | undefined {
  const p = fullKey("failover");
  const o = r.object(p, value, keysOf("failover")) ?? {};
  const advert = r.integer(`${p}.advertIntervalMs`, o.advertIntervalMs, 50, 1000);
  if (advert !== undefined && advert % 10 !== 0) {
    r.report(
      `${p}.advertIntervalMs`,
      `${advert} is not a multiple of 10 ms (VRRPv3 counts in centiseconds)`,
    );
  }
  const interval = r.integer(`${p}.rtxKeepaliveIntervalS`, o.rtxKeepaliveIntervalS, 1, 65535);
  const count = r.integer(`${p}.rtxKeepaliveCount`, o.rtxKeepaliveCount, 3, 100);
  const probeTimeout = r.integer(`${p}.probeTimeoutMs`, o.probeTimeoutMs, 100, 2000);
  if (probeTimeout !== undefined && probeTimeout % 100 !== 0) {
    r.report(
      `${p}.probeTimeoutMs`,
      `${probeTimeout} is not a multiple of 100 ms (the prober sends a probe every 100 ms)`,
    );
  }
  return {
    advertIntervalMs: advert ?? defaultOf("failover.advertIntervalMs"),
    rtxKeepaliveIntervalS: interval ?? defaultOf("failover.rtxKeepaliveIntervalS"),
    rtxKeepaliveCount: count ?? defaultOf("failover.rtxKeepaliveCount"),
    probeTimeoutMs: probeTimeout ?? defaultOf("failover.probeTimeoutMs"),
  };
}
