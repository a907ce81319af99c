/**
 * The site's CloudWatch dashboard body (CloudWatch API Reference, "Dashboard Body Structure and
 * Syntax"): which gateway is master, each tunnel's health over time, the VRRP transitions and
 * the alarms. Pure: the region and the alarm ARNs are handed in.
 */
import { METRIC, METRICS_NAMESPACE } from "../gateway/metrics";
import { PERIOD_S } from "./alarms";

type Widget = Record<string, unknown>;

function perGateway(
  title: string,
  metric: string,
  stat: string,
  site: string,
  gateways: readonly string[],
  region: string,
  extra: Record<string, unknown> = {},
): Widget {
  return {
    type: "metric",
    width: 12,
    height: 6,
    properties: {
      title,
      region,
      view: "timeSeries",
      stat,
      period: PERIOD_S,
      metrics: gateways.map((g) => [
        METRICS_NAMESPACE,
        metric,
        "Site",
        site,
        "Gateway",
        g,
        { label: g },
      ]),
      ...extra,
    },
  };
}

export function dashboardBody(
  site: string,
  gateways: readonly [string, string],
  region: string,
  alarmArns: string[],
): string {
  const zeroToOne = { yAxis: { left: { min: 0, max: 1 } } };
  const widgets: Widget[] = [
    {
      type: "text",
      width: 24,
      height: 2,
      properties: {
        markdown: `## vpc-ipip6-gateway: site ${site}\nActive gateway = the one with IsMaster 1 (${gateways[0]} is preferred). Now, from a shell: \`npm run status -- --stack-file stacks/Pulumi.<stack>.yaml\` (docs/operations.md).`,
      },
    },
    perGateway(
      "Active gateway (IsMaster)",
      METRIC.isMaster,
      "Maximum",
      site,
      gateways,
      region,
      zeroToOne,
    ),
    perGateway("Tunnel up (prober)", METRIC.tunnelUp, "Minimum", site, gateways, region, zeroToOne),
    perGateway("Tunnel loss %", METRIC.tunnelLoss, "Maximum", site, gateways, region),
    perGateway("Tunnel RTT ms", METRIC.tunnelRtt, "Average", site, gateways, region),
    {
      type: "metric",
      width: 12,
      height: 6,
      properties: {
        title: "VRRP transitions",
        region,
        view: "timeSeries",
        stat: "Sum",
        period: PERIOD_S,
        metrics: [
          [
            {
              expression: `SEARCH('{${METRICS_NAMESPACE},Site,Gateway,State} MetricName="${METRIC.vrrpTransition}" Site="${site}"', 'Sum', ${PERIOD_S})`,
              id: "transitions",
            },
          ],
        ],
      },
    },
    { type: "alarm", width: 24, height: 3, properties: { title: "Alarms", alarms: alarmArns } },
  ];
  return JSON.stringify({ widgets });
}
