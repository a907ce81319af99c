import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { METRICS_NAMESPACE } from "../src/gateway/metrics";
import { alarmSpecs, monitoringName } from "../src/monitoring/alarms";
import { dashboardBody } from "../src/monitoring/dashboard";
import { gatewayMetricsPolicy, roleNameFromArn } from "./lib/monitoringPolicy";
import { TOKEN_PREFIX, siteTags } from "./lib/naming";

/** Inputs of {@link SiteMonitoring}. */
export interface SiteMonitoringArgs {
  /** The Pulumi stack: with the site, it makes the alarm and dashboard names unique. */
  stack: string;
  site: string;
  /** "gw-a", "gw-b": the preferred gateway first. */
  gatewayNames: [string, string];
  /** The gateways' instance role, which gets PutMetricData in the project's namespace. */
  gatewayRoleArn: pulumi.Input<string>;
  /** Where the alarms notify (monitoring.snsTopicArn), if anywhere. */
  snsTopicArn?: string;
}

/**
 * Per site (the alarms and dashboard after the caller's dependsOn; the permission at once, so the
 * gateways publish from their first minute): the gateways' permission to publish their figures, the alarms "failed over",
 * "standby tunnel down" and "both tunnels down" (src/monitoring/alarms.ts) and a dashboard.
 */
export class SiteMonitoring extends pulumi.ComponentResource {
  public readonly alarmNames: string[];
  public readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: SiteMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:SiteMonitoring`, name, {}, opts);
    new aws.iam.RolePolicy(
      `${name}-metrics`,
      {
        role: pulumi.output(args.gatewayRoleArn).apply(roleNameFromArn),
        policy: gatewayMetricsPolicy(METRICS_NAMESPACE),
      },
      { parent: this },
    );
    const actions = args.snsTopicArn ? [args.snsTopicArn] : [];
    const specs = alarmSpecs(args.stack, args.site, args.gatewayNames);
    const alarms = specs.map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.key}`,
          {
            name: spec.name,
            alarmDescription: spec.description,
            metricQueries: spec.metricQueries,
            comparisonOperator: spec.comparisonOperator,
            threshold: spec.threshold,
            evaluationPeriods: spec.evaluationPeriods,
            datapointsToAlarm: spec.datapointsToAlarm,
            treatMissingData: spec.treatMissingData,
            alarmActions: actions,
            okActions: actions,
            insufficientDataActions: spec.notifiesOnInsufficientData ? actions : [],
            tags: siteTags(args.site, spec.name),
          },
          { parent: this, dependsOn: opts?.dependsOn },
        ),
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: monitoringName(args.stack, args.site),
        dashboardBody: pulumi
          .all([region, ...alarms.map((a) => a.arn)])
          .apply(([r, ...arns]) => dashboardBody(args.site, args.gatewayNames, r, arns)),
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.alarmNames = specs.map((spec) => spec.name);
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ alarmNames: this.alarmNames, dashboardName: this.dashboardName });
  }
}
