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
import { RouteRelease } from "./components/routeRelease";
import { RtxConfiguration } from "./components/rtxConfiguration";
import { afterPreflight, RtxPreflight } from "./components/rtxPreflight";
import { SiteMonitoring } from "./components/siteMonitoring";
import { VpcEndpoints } from "./components/vpcEndpoints";
import { GatewaySsh, knownHostsLine, sshCommandFor } from "./components/lib/ssh";
import { checkAwsBeforeDeploy } from "./components/lib/awsFacts";
import { ROLLING_ORDER } from "./src/gateway/context";
import { StackConfig } from "./src/config/types";

export = async () => {
  const config = readPulumiStackConfig();
  // Every AWS mismatch at once, before any resource is declared (docs/deploy.md "Preflight");
  // the routes `vpc.adoptRoutes` takes over, as they are now, go on as the ones to import.
  const adoptRoutes = await checkAwsBeforeDeploy(config);
  return deploySite({ ...config, vpc: { ...config.vpc, adoptRoutes } });
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
  // What the plan and the push both need: the router, the lines, its passwords (secrets).
  const rtxAccess = {
    rtx: config.rtx,
    commands: rendered.rtx.commands,
    password: secrets.requireSecret("rtxPassword"),
    adminPassword: secrets.requireSecret("rtxAdminPassword"),
    repoRoot: __dirname,
  };
  const preflight = new RtxPreflight(`${site}-rtx-preflight`, rtxAccess);
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
          vpcCidrs: config.vpc.cidrs,
          gatewaySecurityGroupId: pair.securityGroupId,
        },
        checked,
      )
    : undefined;

  // One gateway at a time, the standby first (docs/lifecycle.md): the active gateway's instance
  // and configuration wait for the standby's health gate (its keepalived running and its tunnel
  // up), so no change takes both gateways down at once. The RTX push comes between the standby's
  // configuration and its gate: the gate needs the RTX's end of the tunnel, and a tunnel change
  // then fails over once, to the standby that already matches. The routes come last: they point
  // at the standby when created, so they wait until it carries traffic. The endpoints exist
  // before the install needs packages and the EC2 API.
  const [standby, active] = ROLLING_ORDER;
  const configurations: GatewayConfiguration[] = [];
  const connections: GatewaySsh[] = [];
  const gates: GatewayHealthGate[] = [];
  let rtx: RtxConfiguration | undefined;
  for (const i of ROLLING_ORDER) {
    const gw = rendered.gateways[i];
    const connection = {
      host: gw.privateIp,
      user: config.gateway.sshUser,
      privateKey: sshPrivateKey,
      hostPublicKey: pair.gateways[i].hostPublicKey,
      bastion: config.gateway.bastion,
    };
    connections[i] = connection;
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
          ...(endpoints ? [endpoints] : []),
          ...(i === active ? [gates[standby]] : []),
        ],
      },
    );
    configurations[i] = configuration;
    if (i === standby)
      rtx = new RtxConfiguration(`${site}-rtx`, rtxAccess, {
        ...checked,
        dependsOn: [configuration],
      });
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
      { dependsOn: [configuration, ...(i === standby && rtx ? [rtx] : [])] },
    );
  }
  releaseActive([gates[standby]]);

  const routes = new FailoverRoutes(
    `${site}-routes`,
    {
      routeTableIds: config.vpc.routeTableIds,
      destinationCidrs: config.site.cidrs,
      adoptRoutes: config.vpc.adoptRoutes,
      initialNetworkInterfaceId: pair.gateways[standby].networkInterfaceId,
    },
    { ...checked, dependsOn: [gates[standby]] },
  );
  // Deleted before the routes and before its gateway's instance on `pulumi destroy`: stops each
  // gateway's route mover while the gateway is still there to reach.
  for (const i of ROLLING_ORDER)
    new RouteRelease(`${site}-${rendered.gateways[i].name}-release`, connections[i], {
      dependsOn: [routes, pair.gateways[i]],
    });

  // Alarms, dashboard and the gateways' permission to publish their figures (docs/operations.md).
  // The alarms come once the active gateway passed its gate: while the standby is the first
  // master of a new stack, "failed over" would fire.
  const monitoring = new SiteMonitoring(
    `${site}-monitoring`,
    {
      stack: pulumi.getStack(),
      site,
      gatewayNames: [first.name, second.name],
      gatewayRoleArn: pair.roleArn,
      snsTopicArn: config.monitoring.snsTopicArn,
    },
    { ...checked, dependsOn: [gates[active]] },
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
  /** The image the gateways run (gateway.amiId, else the latest AL2023 at the last `pulumi up`). */
  const amiId = pair.amiId;
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
    amiId,
    alarmNames,
    dashboardName,
  };
}
