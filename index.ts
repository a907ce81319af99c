// The site stack: reads and validates the configuration (before any resource is declared),
// renders the gateway files and RTX commands, and wires the components. No logic lives here.
// Pulumi calls the exported function and awaits it (an async program), so checks that must read
// AWS or the router before anything changes can run first; its result is the stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { readPulumiStackConfig } from "./src/config/pulumi";
import { renderSite } from "./src/render/site";
import { FailoverRoutes } from "./components/failoverRoutes";
import { GatewayConfiguration } from "./components/gatewayConfiguration";
import { GatewayHealthGate } from "./components/gatewayHealthGate";
import { GatewayPair } from "./components/gatewayPair";
import { RtxConfiguration } from "./components/rtxConfiguration";
import { afterPreflight, RtxPreflight } from "./components/rtxPreflight";
import { SiteMonitoring } from "./components/siteMonitoring";
import { VpcEndpoints } from "./components/vpcEndpoints";
import { knownHostsLine, sshCommandFor } from "./components/lib/ssh";
import { ROLLING_ORDER } from "./src/gateway/context";
import { StackConfig } from "./src/config/types";

export = async () => {
  const config = readPulumiStackConfig();
  return deploySite(config);
};

/** Declares the site's resources; returns the stack outputs. */
function deploySite(config: StackConfig) {
  const rendered = renderSite(config);
  const secrets = new pulumi.Config("vpc-ipip6-gateway");
  const sshPrivateKey = secrets.requireSecret("gatewaySshPrivateKey");
  const site = config.site.name;
  const [first, second] = rendered.gateways;

  // The router is checked first, read-only (`rtx plan`): every resource below waits for it, so an
  // id clash fails `pulumi up` before anything changes (docs/rtx.md "Planning a change").
  const preflight = new RtxPreflight(`${site}-rtx-preflight`, {
    rtx: config.rtx,
    commands: rendered.rtx.commands,
    password: secrets.requireSecret("rtxPassword"),
    adminPassword: secrets.requireSecret("rtxAdminPassword"),
    repoRoot: __dirname,
  });
  const checked = afterPreflight(preflight);

  // Rolling changes (docs/pulumi.md): the standby goes first, and the active gateway's instance
  // waits for the standby's health gate, declared below.
  let releaseActive: (after: pulumi.Resource[]) => void = () => undefined;
  const standbyDone = new Promise<pulumi.Resource[]>((resolve) => (releaseActive = resolve));

  const pair = new GatewayPair(
    site,
    {
      site,
      vpc: config.vpc,
      placements: config.gateways,
      gatewayNames: [first.name, second.name],
      options: config.gateway,
      ipv6: config.ipv6,
      rtxIpv6Address: config.rtx.ipv6Address,
      sshPrivateKey,
      activeGatewayAfter: standbyDone,
    },
    checked,
  );

  const endpoints = config.gateway.createVpcEndpoints
    ? new VpcEndpoints(
        `${site}-endpoints`,
        {
          site,
          vpcId: config.vpc.id,
          subnetIds: config.gateways.map((g) => g.subnetId),
          routeTableIds: config.vpc.routeTableIds,
          gatewaySecurityGroupId: pair.securityGroupId,
        },
        checked,
      )
    : undefined;

  // The gateway configured first: the routes start at it, so it can take them at once, and nothing
  // the routes wait for waits for the other gateway (its ENI depends on the first one's gate, and
  // each configuration depends on the routes).
  const [standby, active] = ROLLING_ORDER;
  const routes = new FailoverRoutes(
    `${site}-routes`,
    {
      routeTableIds: config.vpc.routeTableIds,
      destinationCidrs: config.site.cidrs,
      initialNetworkInterfaceId: pair.gateways[standby].networkInterfaceId,
    },
    checked,
  );

  // Routes exist before keepalived can start (it would create them first and Pulumi's create
  // would fail); the endpoints exist before the install needs packages and the EC2 API. One gateway
  // at a time, the standby first: the active gateway's instance and configuration wait for the
  // standby's health gate (its keepalived running and its tunnel up), so no change takes both
  // gateways down at once and a rolling change fails over only while the active one is changed.
  const configurations: GatewayConfiguration[] = [];
  const gates: GatewayHealthGate[] = [];
  for (const i of ROLLING_ORDER) {
    const gw = rendered.gateways[i];
    const connection = {
      host: gw.privateIp,
      user: config.gateway.sshUser,
      privateKey: sshPrivateKey,
      hostPublicKey: pair.gateways[i].hostPublicKey,
      bastion: config.gateway.bastion,
    };
    const configuration = new GatewayConfiguration(
      `${site}-${gw.name}-config`,
      {
        ...connection,
        gatewayName: gw.name,
        installScript: gw.installScript,
        removeScript: gw.removeScript,
        instanceId: pair.gateways[i].instanceId,
      },
      {
        dependsOn: [
          pair.gateways[i],
          routes,
          ...(endpoints ? [endpoints] : []),
          ...(i === active ? [gates[standby]] : []),
        ],
      },
    );
    configurations[i] = configuration;
    gates[i] = new GatewayHealthGate(
      `${site}-${gw.name}-health`,
      {
        ...connection,
        waitScript: gw.healthWaitScript,
        triggers: [
          pair.gateways[i].instanceId,
          config.gateway.instanceType,
          configuration.contentHash,
        ],
      },
      { dependsOn: [configuration] },
    );
  }
  releaseActive([gates[standby]]);

  // The RTX does not wait for the gateways: its tunnels and keepalives name their addresses, known
  // from the configuration, and the standby's health gate needs the RTX's end of the tunnel to pass.
  new RtxConfiguration(
    `${site}-rtx`,
    {
      rtx: config.rtx,
      commands: rendered.rtx.commands,
      password: secrets.requireSecret("rtxPassword"),
      adminPassword: secrets.requireSecret("rtxAdminPassword"),
      repoRoot: __dirname,
    },
    checked,
  );

  // Alarms, dashboard and the gateways' permission to publish their figures (docs/operations.md).
  const monitoring = new SiteMonitoring(
    `${site}-monitoring`,
    {
      site,
      gatewayNames: [first.name, second.name],
      gatewayRoleArn: pair.roleArn,
      snsTopicArn: config.monitoring.snsTopicArn,
    },
    checked,
  );

  const gateways = rendered.gateways.map((gw, i) => ({
    name: gw.name,
    instanceId: pair.gateways[i].instanceId,
    networkInterfaceId: pair.gateways[i].networkInterfaceId,
    privateIp: gw.privateIp,
    tunnelAddress: gw.tunnelAddress,
    hostPublicKey: pair.gateways[i].hostPublicKey,
    configurationHash: configurations[i].contentHash,
  }));
  /** Where the managed routes point when created; afterwards the master gateway owns the target. */
  const initialRouteTarget = pair.gateways[standby].networkInterfaceId;
  const managedRoutes = routes.managed;
  const tunnel = rendered.tunnel;
  const rtxCommands = rendered.rtx.commands;
  const rtxKeepaliveDetectionMs = rendered.rtx.keepaliveDetectionMs;
  const sshCommands = rendered.gateways.map((gw) =>
    sshCommandFor(config.gateway.sshUser, gw.privateIp, config.gateway.bastion),
  );
  const knownHosts = rendered.gateways.map((gw, i) =>
    pair.gateways[i].hostPublicKey.apply((key) => knownHostsLine(gw.privateIp, key)),
  );
  /** The bastion's pinned key as a known_hosts line, so `ssh -J` checks the jump host too. */
  const bastion = config.gateway.bastion;
  const bastionKnownHost =
    bastion?.hostKey && knownHostsLine(bastion.host, bastion.hostKey, bastion.port);
  const vpcEndpointIds = endpoints && {
    ec2: endpoints.ec2EndpointId,
    s3: endpoints.s3EndpointId,
    monitoring: endpoints.monitoringEndpointId,
  };
  const alarmNames = monitoring.alarmNames;
  const dashboardName = monitoring.dashboardName;
  return {
    gateways,
    initialRouteTarget,
    managedRoutes,
    tunnel,
    rtxCommands,
    rtxKeepaliveDetectionMs,
    sshCommands,
    knownHosts,
    bastionKnownHost,
    vpcEndpointIds,
    alarmNames,
    dashboardName,
  };
}
