/**
 * What the gateways publish to CloudWatch (docs/operations.md, "Metrics and alarms"): the metric
 * names and dimensions, the figures taken from the prober's status file, and the PutMetricData
 * request body. Pure functions: the rendered script (metrics-script.ts) builds the same body in
 * bash, and the tests and the lab compare the two.
 */

/** The namespace the gateways write, and the only one their role may write (IAM condition). */
export const METRICS_NAMESPACE = "VpcIpip6Gateway";

export const METRIC = {
  /** 1 when the prober judges the tunnel up, 0 when down, stale or absent. Every minute. */
  tunnelUp: "TunnelUp",
  /** Loss over the prober's window (last 50 probes), percent. Every minute. */
  tunnelLoss: "TunnelLossPercent",
  /** Average RTT of the replies in the window, ms; absent when no reply came. Every minute. */
  tunnelRtt: "TunnelRttMs",
  /** 1 while this gateway holds the VRRP placeholder (it is the master), else 0. Every minute. */
  isMaster: "IsMaster",
  /** 1 per VRRP transition, with the new state as a dimension. At the transition. */
  vrrpTransition: "VrrpTransition",
} as const;

/** A status file older than this is a prober that stopped writing: the tunnel counts as down. */
export const STALE_STATUS_S = 15;

export type MetricUnit = "None" | "Percent" | "Milliseconds" | "Count";

export interface MetricDatum {
  name: string;
  dimensions: Array<[name: string, value: string]>;
  value: number;
  unit: MetricUnit;
  /** ISO 8601 UTC, whole seconds ("2026-01-01T00:00:00Z"). */
  timestamp: string;
}

/** RFC 3986 percent-encoding of everything but unreserved characters, as SigV4 expects. */
export function formEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The number as the bash side prints it: integers plain, others as given (up to 3 decimals). */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** The Query-protocol body of PutMetricData (CloudWatch API reference, PutMetricData). */
export function putMetricDataBody(namespace: string, data: readonly MetricDatum[]): string {
  const fields: Array<[string, string]> = [
    ["Action", "PutMetricData"],
    ["Version", "2010-08-01"],
    ["Namespace", namespace],
  ];
  data.forEach((d, i) => {
    const m = `MetricData.member.${i + 1}`;
    fields.push([`${m}.MetricName`, d.name]);
    d.dimensions.forEach(([name, value], j) => {
      fields.push([`${m}.Dimensions.member.${j + 1}.Name`, name]);
      fields.push([`${m}.Dimensions.member.${j + 1}.Value`, value]);
    });
    fields.push([`${m}.Value`, formatValue(d.value)]);
    fields.push([`${m}.Unit`, d.unit]);
    fields.push([`${m}.Timestamp`, d.timestamp]);
  });
  return fields.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join("&");
}

/** The inverse, for a stand-in or the lab reading what a gateway sent. */
export function parsePutMetricDataBody(body: string): { namespace: string; data: MetricDatum[] } {
  const fields = new Map(
    body.split("&").map((pair) => {
      const [k, v = ""] = pair.split("=");
      return [decodeURIComponent(k), decodeURIComponent(v)] as [string, string];
    }),
  );
  if (fields.get("Action") !== "PutMetricData") throw new Error("not a PutMetricData request");
  const data: MetricDatum[] = [];
  for (let i = 1; fields.has(`MetricData.member.${i}.MetricName`); i++) {
    const m = `MetricData.member.${i}`;
    const dimensions: Array<[string, string]> = [];
    for (let j = 1; fields.has(`${m}.Dimensions.member.${j}.Name`); j++) {
      dimensions.push([
        fields.get(`${m}.Dimensions.member.${j}.Name`) as string,
        fields.get(`${m}.Dimensions.member.${j}.Value`) ?? "",
      ]);
    }
    data.push({
      name: fields.get(`${m}.MetricName`) as string,
      dimensions,
      value: Number(fields.get(`${m}.Value`)),
      unit: (fields.get(`${m}.Unit`) ?? "None") as MetricUnit,
      timestamp: fields.get(`${m}.Timestamp`) ?? "",
    });
  }
  return { namespace: fields.get("Namespace") ?? "", data };
}

/** ISO 8601 UTC in whole seconds, as `printf '%(...)T'` prints it on the gateway. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface GatewayIdentity {
  site: string;
  gateway: string;
}

function dims(id: GatewayIdentity): Array<[string, string]> {
  return [
    ["Site", id.site],
    ["Gateway", id.gateway],
  ];
}

/** The fields of the prober's status file the periodic figures use. */
export interface ProberFigures {
  state: "up" | "down";
  updatedAt: number;
  lossPercent: number;
  rttAvgMs: number | null;
}

/**
 * The minute's figures: tunnel up (0 when the status file is missing or stale: a prober that
 * stopped writing has stopped judging), loss and RTT when the file is fresh, and mastership.
 */
export function periodicData(
  id: GatewayIdentity,
  prober: ProberFigures | undefined,
  isMaster: boolean,
  nowS: number,
): MetricDatum[] {
  const timestamp = isoSeconds(nowS);
  const fresh = prober !== undefined && nowS - prober.updatedAt <= STALE_STATUS_S;
  const d = (name: string, value: number, unit: MetricUnit): MetricDatum => ({
    name,
    dimensions: dims(id),
    value,
    unit,
    timestamp,
  });
  const data = [d(METRIC.tunnelUp, fresh && prober.state === "up" ? 1 : 0, "None")];
  if (fresh) {
    data.push(d(METRIC.tunnelLoss, prober.lossPercent, "Percent"));
    if (prober.rttAvgMs !== null) data.push(d(METRIC.tunnelRtt, prober.rttAvgMs, "Milliseconds"));
  }
  data.push(d(METRIC.isMaster, isMaster ? 1 : 0, "None"));
  return data;
}

/** One VRRP transition (keepalived's notify: MASTER, BACKUP, FAULT or STOP). */
export function transitionData(id: GatewayIdentity, state: string, atS: number): MetricDatum[] {
  return [
    {
      name: METRIC.vrrpTransition,
      dimensions: [...dims(id), ["State", state]],
      value: 1,
      unit: "Count",
      timestamp: isoSeconds(atS),
    },
  ];
}
