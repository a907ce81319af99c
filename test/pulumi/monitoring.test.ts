/** Per-site monitoring as the program declares it: alarms, dashboard, the gateways' IAM, endpoints. */
import * as assert from "assert";
import { METRICS_NAMESPACE } from "../../src/gateway/metrics";
import { Capture, CapturedResource } from "./support/capture";
import { TEST_REGION } from "./support/fixtures";
import { alarmSpecs, monitoringName } from "../../src/monitoring/alarms";
import { STACKS, capture, named, ofType, waitsFor } from "./support/query";
import { RawConfig } from "./support/run-program";

const T = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
};
const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:netops-pager";

interface Query {
  id: string;
  expression?: string;
  returnData?: boolean;
  metric?: {
    metricName: string;
    namespace: string;
    dimensions: Record<string, string>;
    stat: string;
    period: number;
  };
}

function alarm(c: Capture, key: string): CapturedResource {
  return named(c, `osaka-monitoring-${key}`);
}

function queries(r: CapturedResource): Query[] {
  return r.inputs.metricQueries as Query[];
}

interface Statement {
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

function statements(c: Capture): Statement[] {
  return ofType(c, T.rolePolicy).flatMap(
    (p) => (JSON.parse(String(p.inputs.policy)) as { Statement: Statement[] }).Statement,
  );
}

describe("pulumi program: site monitoring", function () {
  this.timeout(120000);
  let c: Capture;
  let withTopic: Capture;

  before(async () => {
    c = await capture("isatap", { stackFile: STACKS.isatap });
    withTopic = await capture("isatap-monitoring-topic", {
      stackFile: STACKS.isatap,
      edit: (config: RawConfig) => {
        config["vpc-ipip6-gateway:monitoring"] = { snsTopicArn: TOPIC };
        (config["vpc-ipip6-gateway:gateway"] as Record<string, unknown>).createVpcEndpoints = true;
      },
    });
  });

  it("declares the three alarms per site, named after it", () => {
    assert.deepStrictEqual(
      ofType(c, T.alarm)
        .map((a) => a.inputs.name)
        .sort(),
      [
        "vpc-ipip6-gateway-test-osaka-both-tunnels-down",
        "vpc-ipip6-gateway-test-osaka-failed-over",
        "vpc-ipip6-gateway-test-osaka-standby-tunnel-down",
      ],
    );
    assert.deepStrictEqual(c.exports.alarmNames.value, [
      "vpc-ipip6-gateway-test-osaka-failed-over",
      "vpc-ipip6-gateway-test-osaka-standby-tunnel-down",
      "vpc-ipip6-gateway-test-osaka-both-tunnels-down",
    ]);
  });

  it("'failed over' fires when gw-b is master or took over within the minute", () => {
    const a = alarm(c, "failed-over");
    const q = queries(a);
    assert.deepStrictEqual(q.find((x) => x.id === "masterb")?.metric?.dimensions, {
      Site: "osaka",
      Gateway: "gw-b",
    });
    assert.strictEqual(q.find((x) => x.id === "masterb")?.metric?.metricName, "IsMaster");
    assert.deepStrictEqual(q.find((x) => x.id === "tookb")?.metric?.dimensions, {
      Site: "osaka",
      Gateway: "gw-b",
      State: "MASTER",
    });
    assert.strictEqual(
      q.find((x) => x.returnData)?.expression,
      "MAX([FILL(masterb, 0), FILL(tookb, 0)])",
    );
    assert.deepStrictEqual(
      [a.inputs.comparisonOperator, a.inputs.threshold],
      ["GreaterThanOrEqualToThreshold", 1],
    );
  });

  it("'standby tunnel down' is exactly one tunnel up for two minutes; 'both tunnels down' none, or silence", () => {
    const standby = alarm(c, "standby-tunnel-down");
    assert.strictEqual(
      queries(standby).find((x) => x.returnData)?.expression,
      "IF(FILL(upa, 0) + FILL(upb, 0) == 1, 1, 0)",
    );
    assert.deepStrictEqual(
      [
        standby.inputs.evaluationPeriods,
        standby.inputs.datapointsToAlarm,
        standby.inputs.treatMissingData,
      ],
      [2, 2, "notBreaching"],
    );
    const both = alarm(c, "both-tunnels-down");
    assert.strictEqual(
      queries(both).find((x) => x.returnData)?.expression,
      "FILL(upa, 0) + FILL(upb, 0)",
    );
    assert.deepStrictEqual(
      [both.inputs.comparisonOperator, both.inputs.threshold, both.inputs.treatMissingData],
      ["LessThanOrEqualToThreshold", 0, "missing"],
    );
    for (const q of queries(both).filter((x) => x.metric)) {
      assert.deepStrictEqual(
        [q.metric?.namespace, q.metric?.metricName, q.metric?.stat, q.metric?.period],
        [METRICS_NAMESPACE, "TunnelUp", "Minimum", 60],
      );
    }
    assert.deepStrictEqual(
      queries(both)
        .filter((x) => x.metric)
        .map((x) => x.metric?.dimensions.Gateway),
      ["gw-a", "gw-b"],
    );
  });

  it("notifies the configured SNS topic on alarm and recovery, and nothing without one", () => {
    for (const a of ofType(withTopic, T.alarm)) {
      assert.deepStrictEqual(a.inputs.alarmActions, [TOPIC]);
      assert.deepStrictEqual(a.inputs.okActions, [TOPIC]);
    }
    for (const a of ofType(c, T.alarm)) assert.deepStrictEqual(a.inputs.alarmActions, []);
  });

  it("a new stack notifies nothing at once: silence only from a site that published, no 'failed over' while gw-b is first master", () => {
    // Silence of both gateways: INSUFFICIENT_DATA (missing), which notifies; a new alarm starts
    // there, and actions run on state changes only.
    const insufficient = (key: string) => alarm(withTopic, key).inputs.insufficientDataActions;
    assert.deepStrictEqual(insufficient("both-tunnels-down"), [TOPIC]);
    assert.deepStrictEqual(insufficient("failed-over"), []);
    assert.deepStrictEqual(insufficient("standby-tunnel-down"), []);
    for (const a of ofType(c, T.alarm))
      assert.notStrictEqual(a.inputs.treatMissingData, "breaching");
    // Alarms and dashboard are created once gw-a passed its gate (gw-a is master again).
    const gateA = named(c, "osaka-gw-a-health-wait");
    for (const r of [...ofType(c, T.alarm), ...ofType(c, T.dashboard)])
      assert.ok(waitsFor(c, r).has(gateA.urn), `${r.name} does not wait for gw-a's gate`);
    for (const p of ofType(c, T.rolePolicy).filter((p) => p.name.includes("metrics")))
      assert.ok(!waitsFor(c, p).has(gateA.urn), "the gateways could not publish until then");
  });

  it("names alarms and dashboard per stack: two stacks with one site name do not collide", async () => {
    const names = (x: Capture) =>
      [...ofType(x, T.alarm), ...ofType(x, T.dashboard)].map(
        (r) => r.inputs.name ?? r.inputs.dashboardName,
      );
    for (const n of names(c)) assert.match(String(n), /^vpc-ipip6-gateway-test-osaka(-|$)/);
    assert.strictEqual(monitoringName("prod.tokyo", "osaka"), "vpc-ipip6-gateway-prod-tokyo-osaka");
    const other = alarmSpecs("staging", "osaka", ["gw-a", "gw-b"]).map((s) => s.name);
    for (const n of names(c)) assert.ok(!other.includes(String(n)), `${n} collides`);
  });

  it("a dashboard per site: active gateway and each tunnel's health over time, and the alarms", () => {
    const d = ofType(c, T.dashboard);
    assert.strictEqual(d.length, 1);
    assert.strictEqual(d[0].inputs.dashboardName, "vpc-ipip6-gateway-test-osaka");
    const body = JSON.parse(String(d[0].inputs.dashboardBody)) as {
      widgets: Array<{ type: string; properties: Record<string, unknown> }>;
    };
    const titled = (t: string) => body.widgets.find((w) => w.properties.title === t)?.properties;
    for (const [title, metric] of [
      ["Active gateway (IsMaster)", "IsMaster"],
      ["Tunnel up (prober)", "TunnelUp"],
      ["Tunnel loss %", "TunnelLossPercent"],
      ["Tunnel RTT ms", "TunnelRttMs"],
    ]) {
      const w = titled(title);
      assert.ok(w, title);
      assert.strictEqual(w.region, TEST_REGION);
      assert.deepStrictEqual(
        (w.metrics as unknown[][]).map((m) => [m[1], m[5]]),
        [
          [metric, "gw-a"],
          [metric, "gw-b"],
        ],
      );
    }
    assert.strictEqual((titled("Alarms")?.alarms as string[]).length, 3);
  });

  it("lets the gateways write only the project's namespace: PutMetricData, which has no resource to scope, with a namespace condition", () => {
    const policy = named(c, "osaka-monitoring-metrics");
    // The same role the route policy is attached to (its name, taken from the role's ARN).
    assert.strictEqual(policy.inputs.role, named(c, "osaka-iam-routes").inputs.role);
    assert.strictEqual(policy.inputs.role, "osaka-iam-role");
    const metrics = statements(c).filter((s) =>
      [s.Action].flat().includes("cloudwatch:PutMetricData"),
    );
    assert.strictEqual(metrics.length, 1);
    assert.deepStrictEqual([metrics[0].Action].flat(), ["cloudwatch:PutMetricData"]);
    assert.deepStrictEqual(metrics[0].Condition, {
      StringEquals: { "cloudwatch:namespace": METRICS_NAMESPACE },
    });
  });

  it("grants '*' as a resource only to actions that have no resource scope", () => {
    const unscopable = new Set([
      "ec2:DescribeRouteTables",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeInstances",
      "cloudwatch:PutMetricData",
    ]);
    for (const s of statements(c)) {
      if ([s.Resource].flat().includes("*")) {
        for (const action of [s.Action].flat())
          assert.ok(unscopable.has(action), `${action} on "*"`);
      }
      assert.ok(
        ![s.Action].flat().some((a) => a.includes("*")),
        `wildcard action in ${JSON.stringify(s.Action)}`,
      );
    }
  });

  it("adds a CloudWatch interface endpoint to the optional VPC endpoints, in the gateways' subnets", () => {
    const endpoints = ofType(withTopic, T.endpoint);
    const monitoring = endpoints.find((e) => String(e.inputs.serviceName).endsWith(".monitoring"));
    assert.ok(monitoring, endpoints.map((e) => e.inputs.serviceName).join(", "));
    assert.strictEqual(monitoring.inputs.serviceName, `com.amazonaws.${TEST_REGION}.monitoring`);
    assert.deepStrictEqual(
      [monitoring.inputs.vpcEndpointType, monitoring.inputs.privateDnsEnabled],
      ["Interface", true],
    );
    const ec2 = endpoints.find((e) => String(e.inputs.serviceName).endsWith(".ec2"));
    assert.deepStrictEqual(monitoring.inputs.subnetIds, ec2?.inputs.subnetIds);
    assert.deepStrictEqual(monitoring.inputs.securityGroupIds, ec2?.inputs.securityGroupIds);
    assert.strictEqual(ofType(c, T.endpoint).length, 0);
  });
});
