import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { METRICS_NAMESPACE } from "../src/gateway/metrics";
import { alarmSpecs } from "../src/monitoring/alarms";
import { dashboardBody } from "../src/monitoring/dashboard";
import { gatewayMetricsPolicy, roleNameFromArn } from "./lib/monitoringPolicy";
import { TOKEN_PREFIX, siteTags } from "./lib/naming";

/** Inputs of {@link SiteMonitoring}. */
export interface SiteMonitoringArgs {
  site: string;
  /** "gw-a", "gw-b": the preferred gateway first. */
  gatewayNames: [string, string];
  /** The gateways' instance role, which gets PutMetricData in the project's namespace. */
  gatewayRoleArn: pulumi.Input<string>;
  /** Where the alarms notify (monitoring.snsTopicArn), if anywhere. */
  snsTopicArn?: string;
}

/**
 * Per site: the gateways' permission to publish their figures, the alarms "failed over",
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
    const alarms = alarmSpecs(args.site, args.gatewayNames).map(
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
            tags: siteTags(args.site, spec.name),
          },
          { parent: this },
        ),
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `vpc-ipip6-gateway-${args.site}`,
        dashboardBody: pulumi
          .all([region, ...alarms.map((a) => a.arn)])
          .apply(([r, ...arns]) => dashboardBody(args.site, args.gatewayNames, r, arns)),
      },
      { parent: this },
    );
    this.alarmNames = alarms.map((_, i) => alarmSpecs(args.site, args.gatewayNames)[i].name);
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ alarmNames: this.alarmNames, dashboardName: this.dashboardName });
  }
}
