/**
 * The site's three CloudWatch alarms, as plain data (components/siteMonitoring.ts declares them).
 * Each is metric math over the figures the gateways publish every minute (src/gateway/metrics.ts):
 * - failed over: gw-b holds the routes (IsMaster), or became master within the minute;
 * - standby tunnel down: exactly one tunnel up, so one failure more takes the site down;
 * - both tunnels down: no tunnel up. When neither gateway publishes at all there is no data:
 *   treated as missing, so the alarm goes to INSUFFICIENT_DATA, which notifies too
 *   (notifiesOnInsufficientData), while a new stack, whose alarms start in INSUFFICIENT_DATA before
 *   the gateways' first figures, notifies nothing (an action runs on a state change only).
 * A gateway that stops publishing counts as a tunnel down (FILL with 0) in the first two.
 * Names carry the stack and the site: two stacks with one site name in one account and region must
 * not overwrite each other's alarms (PutMetricAlarm replaces an alarm of the same name).
 */
import { METRIC, METRICS_NAMESPACE } from "../gateway/metrics";

export const PERIOD_S = 60;

export interface MetricQuery {
  id: string;
  expression?: string;
  label?: string;
  returnData: boolean;
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    stat: string;
    period: number;
  };
}

export interface AlarmSpec {
  key: "failed-over" | "standby-tunnel-down" | "both-tunnels-down";
  name: string;
  description: string;
  metricQueries: MetricQuery[];
  comparisonOperator: "GreaterThanOrEqualToThreshold" | "LessThanOrEqualToThreshold";
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: "missing" | "notBreaching";
  /** Also notify when the alarm goes to INSUFFICIENT_DATA (no figure from either gateway). */
  notifiesOnInsufficientData: boolean;
}

/**
 * The stack's CloudWatch name prefix, `vpc-ipip6-gateway-<stack>-<site>`: alarm names and the
 * dashboard's (which allows only A-Z a-z 0-9 - _; a stack name may also hold dots, made dashes).
 */
export function monitoringName(stack: string, site: string): string {
  // Pulumi stack names hold letters, digits, "-", "_" and "."; site names are validated.
  return `vpc-ipip6-gateway-${stack.replace(/\./g, "-")}-${site}`;
}

function metric(
  id: string,
  name: string,
  stat: string,
  dimensions: Record<string, string>,
): MetricQuery {
  return {
    id,
    returnData: false,
    metric: { namespace: METRICS_NAMESPACE, metricName: name, dimensions, stat, period: PERIOD_S },
  };
}

function result(expression: string, label: string): MetricQuery {
  return { id: "result", expression, label, returnData: true };
}

/** `gateways` in preference order: [0] holds the routes when healthy, [1] is the standby. */
export function alarmSpecs(
  stack: string,
  site: string,
  gateways: readonly [string, string],
): AlarmSpec[] {
  const [a, b] = gateways;
  const up = (id: string, gw: string) =>
    metric(id, METRIC.tunnelUp, "Minimum", { Site: site, Gateway: gw });
  const tunnels = [up("upa", a), up("upb", b)];
  const bothUp = "FILL(upa, 0) + FILL(upb, 0)";
  const name = (key: string) => `${monitoringName(stack, site)}-${key}`;
  return [
    {
      key: "failed-over",
      name: name("failed-over"),
      description: `Site ${site}: ${b} carries the site's traffic (or took it over within the minute): ${a} or its tunnel failed. Runbook: docs/operations.md, "Read the failover history".`,
      metricQueries: [
        metric("masterb", METRIC.isMaster, "Maximum", { Site: site, Gateway: b }),
        metric("tookb", METRIC.vrrpTransition, "Sum", { Site: site, Gateway: b, State: "MASTER" }),
        result("MAX([FILL(masterb, 0), FILL(tookb, 0)])", `${b} master`),
      ],
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      notifiesOnInsufficientData: false,
    },
    {
      key: "standby-tunnel-down",
      name: name("standby-tunnel-down"),
      description: `Site ${site}: only one tunnel passes traffic, so there is no redundancy left. Check with npm run status (docs/operations.md).`,
      metricQueries: [...tunnels, result(`IF(${bothUp} == 1, 1, 0)`, "one tunnel up")],
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      // Two minutes: a tunnel restarted by a push comes back within one.
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: "notBreaching",
      notifiesOnInsufficientData: false,
    },
    {
      key: "both-tunnels-down",
      name: name("both-tunnels-down"),
      description: `Site ${site}: no tunnel passes traffic (or neither gateway reports): the site is cut off from the VPC.`,
      metricQueries: [...tunnels, result(bothUp, "tunnels up")],
      comparisonOperator: "LessThanOrEqualToThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "missing",
      notifiesOnInsufficientData: true,
    },
  ];
}
