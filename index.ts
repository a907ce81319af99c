// The site stack: reads and validates the configuration (before any resource is declared),
// renders the gateway files and RTX commands, and wires the components. No logic lives here.
import * as pulumi from "@pulumi/pulumi";
import { readPulumiStackConfig } from "./src/config/pulumi";
import { renderSite } from "./src/render/site";
import { FailoverRoutes } from "./components/failoverRoutes";
import { GatewayConfiguration } from "./components/gatewayConfiguration";
import { GatewayHealthGate } from "./components/gatewayHealthGate";
import { GatewayPair } from "./components/gatewayPair";
import { RtxConfiguration } from "./components/rtxConfiguration";
import { SiteMonitoring } from "./components/siteMonitoring";
import { VpcEndpoints } from "./components/vpcEndpoints";
import { knownHostsLine, sshCommandFor } from "./components/lib/ssh";

const config = readPulumiStackConfig();
const rendered = renderSite(config);
const secrets = new pulumi.Config("vpc-ipip6-gateway");
const sshPrivateKey = secrets.requireSecret("gatewaySshPrivateKey");
const site = config.site.name;
const [first, second] = rendered.gateways;

// Rolling changes (docs/pulumi.md): gateway 1 waits for gateway 0's health gate, declared below.
let releaseSecond: (after: pulumi.Resource[]) => void = () => undefined;
const firstGatewayDone = new Promise<pulumi.Resource[]>((resolve) => (releaseSecond = resolve));

const pair = new GatewayPair(site, {
  site,
  vpc: config.vpc,
  placements: config.gateways,
  gatewayNames: [first.name, second.name],
  options: config.gateway,
  ipv6: config.ipv6,
  rtxIpv6Address: config.rtx.ipv6Address,
  sshPrivateKey,
  secondGatewayAfter: firstGatewayDone,
});

const endpoints = config.gateway.createVpcEndpoints
  ? new VpcEndpoints(`${site}-endpoints`, {
      site,
      vpcId: config.vpc.id,
      subnetIds: config.gateways.map((g) => g.subnetId),
      routeTableIds: config.vpc.routeTableIds,
      gatewaySecurityGroupId: pair.securityGroupId,
    })
  : undefined;

const routes = new FailoverRoutes(`${site}-routes`, {
  routeTableIds: config.vpc.routeTableIds,
  destinationCidrs: config.site.cidrs,
  initialNetworkInterfaceId: pair.gateways[0].networkInterfaceId,
});

// Routes exist before keepalived can start (it would create them first and Pulumi's create
// would fail); the endpoints exist before the install needs packages and the EC2 API. One gateway
// at a time: gateway 1's instance and configuration wait for gateway 0's health gate (its
// keepalived running and its tunnel up), so no change takes both gateways down at once.
const configurations: GatewayConfiguration[] = [];
const gates: GatewayHealthGate[] = [];
rendered.gateways.forEach((gw, i) => {
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
        ...(i > 0 ? [gates[i - 1]] : []),
      ],
    },
  );
  configurations.push(configuration);
  gates.push(
    new GatewayHealthGate(
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
    ),
  );
});
releaseSecond([gates[0]]);

// The RTX does not wait for the gateways: its tunnels and keepalives name their addresses, known
// from the configuration, and gateway 0's health gate needs the RTX's end of the tunnel to pass.
new RtxConfiguration(`${site}-rtx`, {
  rtx: config.rtx,
  commands: rendered.rtx.commands,
  password: secrets.requireSecret("rtxPassword"),
  adminPassword: secrets.requireSecret("rtxAdminPassword"),
  repoRoot: __dirname,
});

// Alarms, dashboard and the gateways' permission to publish their figures (docs/operations.md).
const monitoring = new SiteMonitoring(`${site}-monitoring`, {
  site,
  gatewayNames: [first.name, second.name],
  gatewayRoleArn: pair.roleArn,
  snsTopicArn: config.monitoring.snsTopicArn,
});

export const gateways = rendered.gateways.map((gw, i) => ({
  name: gw.name,
  instanceId: pair.gateways[i].instanceId,
  networkInterfaceId: pair.gateways[i].networkInterfaceId,
  privateIp: gw.privateIp,
  tunnelAddress: gw.tunnelAddress,
  hostPublicKey: pair.gateways[i].hostPublicKey,
  configurationHash: configurations[i].contentHash,
}));
/** Where the managed routes pointed when created; afterwards the active gateway owns the target. */
export const initialRouteTarget = pair.gateways[0].networkInterfaceId;
export const managedRoutes = routes.managed;
export const tunnel = rendered.tunnel;
export const rtxCommands = rendered.rtx.commands;
export const rtxKeepaliveDetectionMs = rendered.rtx.keepaliveDetectionMs;
export const sshCommands = rendered.gateways.map((gw) =>
  sshCommandFor(config.gateway.sshUser, gw.privateIp, config.gateway.bastion),
);
export const knownHosts = rendered.gateways.map((gw, i) =>
  pair.gateways[i].hostPublicKey.apply((key) => knownHostsLine(gw.privateIp, key)),
);
/** The bastion's pinned key as a known_hosts line, so `ssh -J` checks the jump host too. */
const bastion = config.gateway.bastion;
export const bastionKnownHost =
  bastion?.hostKey && knownHostsLine(bastion.host, bastion.hostKey, bastion.port);
export const vpcEndpointIds = endpoints && {
  ec2: endpoints.ec2EndpointId,
  s3: endpoints.s3EndpointId,
  monitoring: endpoints.monitoringEndpointId,
};
export const alarmNames = monitoring.alarmNames;
export const dashboardName = monitoring.dashboardName;
