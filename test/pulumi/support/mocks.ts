/**
 * Pulumi mocks for the site program, plus a recorder that sees what the engine would see:
 * each registration's parent, options and inputs (secrets still wrapped), every invoke, and
 * every registerOutputs. Provider calls the program is not expected to make fail loudly.
 */
import * as pulumi from "@pulumi/pulumi";
import { CapturedInvoke, CapturedResource } from "./capture";
import {
  DEFAULT_AWS_WORLD,
  INSTANCE_ARCHITECTURES,
  MAIN_ROUTE_TABLES,
  MockAwsWorld,
  SECRET_KEY,
  SUBNET_ROUTE_TABLES,
  TEST_ACCOUNT,
  TEST_REGION,
  fakeAmiId,
  KNOWN_IMAGES,
  fakeHostKey,
} from "./fixtures";

/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(struct: unknown): Record<string, unknown>;
  specialSigKey: string;
  specialSecretSig: string;
  isRpcSecret(value: unknown): boolean;
  unwrapRpcSecret(value: unknown): unknown;
};
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): MonitorLike };
/* eslint-enable @typescript-eslint/no-require-imports */

type Callback = (error: unknown, response: { getUrn(): string } | undefined) => void;
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getImportid(): string;
}
interface MonitorLike {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(
    req: { getUrn(): string },
    callback: (e: unknown, r: unknown) => void,
  ): void;
}

/** Converts the runtime's secret wrappers into { __secret__: value } so JSON keeps them visible. */
export function markSecrets(value: unknown): unknown {
  if (rpc.isRpcSecret(value)) return { [SECRET_KEY]: markSecrets(rpc.unwrapRpcSecret(value)) };
  if (Array.isArray(value)) return value.map(markSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markSecrets(v)]));
  }
  return value;
}

function wrapSecret(value: unknown): unknown {
  return { [rpc.specialSigKey]: rpc.specialSecretSig, value };
}

function shortHash(text: string): string {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** Ids and computed outputs, per resource type, shaped like the real provider's. */
function computedState(type: string, name: string): { id: string; state: Record<string, unknown> } {
  const tag = shortHash(`${type}/${name}`);
  switch (type) {
    case "aws:ec2/networkInterface:NetworkInterface":
      return { id: `eni-${tag}`, state: {} };
    case "aws:ec2/instance:Instance":
      return { id: `i-${tag}`, state: {} };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { id: `sg-${tag}`, state: {} };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return { id: `vpce-${tag}`, state: {} };
    case "aws:iam/role:Role":
      return { id: name, state: { name, arn: `arn:aws:iam::${TEST_ACCOUNT}:role/${name}` } };
    case "aws:iam/instanceProfile:InstanceProfile":
      return {
        id: name,
        state: { name, arn: `arn:aws:iam::${TEST_ACCOUNT}:instance-profile/${name}` },
      };
    case "tls:index/privateKey:PrivateKey":
      return { id: `key-${tag}`, state: fakeHostKey(name) };
    default:
      return { id: `${name}-${tag}`, state: {} };
  }
}

/** Every target field the route-table lookup returns; the provider sends "" for the unset ones. */
const ROUTE_FIELDS = [
  "cidrBlock",
  "ipv6CidrBlock",
  "destinationPrefixListId",
  "carrierGatewayId",
  "coreNetworkArn",
  "egressOnlyGatewayId",
  "gatewayId",
  "instanceId",
  "localGatewayId",
  "natGatewayId",
  "networkInterfaceId",
  "odbNetworkArn",
  "transitGatewayId",
  "vpcEndpointId",
  "vpcPeeringConnectionId",
];

/** The account the lookups read: VIG_TEST_AWS (JSON, set by runProgram) or the default. */
function awsWorld(): MockAwsWorld {
  const text = process.env.VIG_TEST_AWS;
  return text ? (JSON.parse(text) as MockAwsWorld) : DEFAULT_AWS_WORLD;
}

/** The lookups' answers, shaped like pulumi-aws's; a missing id fails with the provider's words. */
function ec2LookupResult(
  token: string,
  inputs: Record<string, unknown>,
  world: MockAwsWorld,
): Record<string, unknown> | undefined {
  switch (token) {
    case "aws:ec2/getSubnet:getSubnet": {
      const subnet = world.subnets.find((s) => s.id === inputs.id);
      if (!subnet) throw new Error("no matching EC2 Subnet found");
      return { ...subnet, ipv6CidrBlock: subnet.ipv6CidrBlock ?? "" };
    }
    case "aws:ec2/getRouteTable:getRouteTable": {
      const table = world.routeTables.find((t) => t.id === inputs.routeTableId);
      if (!table)
        throw new Error(
          "query returned no results. Please change your search criteria and try again",
        );
      const routes = table.routes.map((route) => ({
        ...Object.fromEntries(ROUTE_FIELDS.map((f) => [f, ""])),
        ...route,
      }));
      return { id: table.id, routeTableId: table.id, vpcId: table.vpcId, routes, associations: [] };
    }
    case "aws:ec2/getNetworkInterfaces:getNetworkInterfaces": {
      const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
      const matches = world.networkInterfaces.filter((eni) =>
        filters.every((f) =>
          f.name === "vpc-id"
            ? f.values.includes(eni.vpcId)
            : f.name.startsWith("tag:")
              ? f.values.includes(eni.tags[f.name.slice(4)])
              : false,
        ),
      );
      return { id: TEST_REGION, ids: matches.map((eni) => eni.id) };
    }
    default:
      return undefined;
  }
}

function invokeResult(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const ec2 = ec2LookupResult(token, inputs, awsWorld());
  if (ec2) return ec2;
  switch (token) {
    case "aws:index/getPartition:getPartition":
      return {
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
      };
    case "aws:index/getRegion:getRegion":
      return {
        id: TEST_REGION,
        region: TEST_REGION,
        name: TEST_REGION,
        description: "Asia Pacific (Tokyo)",
        endpoint: `ec2.${TEST_REGION}.amazonaws.com`,
      };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: TEST_ACCOUNT,
        accountId: TEST_ACCOUNT,
        arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test`,
        userId: "AIDATEST",
      };
    case "aws:ec2/getInstanceType:getInstanceType": {
      const architectures = INSTANCE_ARCHITECTURES[String(inputs.instanceType)];
      if (!architectures)
        throw new Error(`mock: no DescribeInstanceTypes answer for ${String(inputs.instanceType)}`);
      return {
        id: String(inputs.instanceType),
        instanceType: inputs.instanceType,
        supportedArchitectures: architectures,
      };
    }
    case "aws:ec2/getAmi:getAmi": {
      const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
      const imageId = filters.find((f) => f.name === "image-id")?.values[0];
      if (imageId) {
        // DescribeImages by id: the known test images and the lookup's; others do not exist.
        const arch =
          KNOWN_IMAGES[imageId] ?? ["arm64", "x86_64"].find((a) => imageId === fakeAmiId(a));
        if (!arch)
          throw new Error(
            "Your query returned no results. Please change your search criteria and try again.",
          );
        return { id: imageId, imageId, architecture: arch };
      }
      const architecture = filters.find((f) => f.name === "architecture")?.values[0];
      if (!architecture) throw new Error("mock: getAmi without an architecture filter");
      return { id: fakeAmiId(architecture), imageId: fakeAmiId(architecture), architecture };
    }
    case "aws:ec2/getRouteTables:getRouteTables":
      return { id: TEST_REGION, ids: routeTablesFor(inputs) };
    default:
      throw new Error(`mock: unmocked provider call ${token}`);
  }
}

/** The two DescribeRouteTables filters the program uses; any other query fails the call. */
function routeTablesFor(inputs: Record<string, unknown>): string[] {
  const vpcId = String(inputs.vpcId);
  const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
  if (filters.length !== 1) throw new Error("mock: getRouteTables expects exactly one filter");
  const [{ name, values }] = filters;
  if (name === "association.main" && values.join() === "true") {
    const main = MAIN_ROUTE_TABLES[vpcId];
    if (!main) throw new Error(`mock: no VPC ${vpcId}`);
    return [main];
  }
  if (name === "association.subnet-id") {
    return values.flatMap((subnet) => SUBNET_ROUTE_TABLES[subnet] ?? []);
  }
  throw new Error(`mock: getRouteTables filter ${name} is not mocked`);
}

export interface Recorder {
  resources: CapturedResource[];
  invokes: CapturedInvoke[];
  registeredOutputs: string[];
  /** Messages of provider calls the mocks refused. */
  callErrors: string[];
  /** URNs (or type/name) of registrations whose response never came back. */
  unfinished(): string[];
}

/** setMocks, then wrap the mock monitor so the capture sees the registration requests. */
export async function installMocks(): Promise<Recorder> {
  const recorder: Recorder & { pending: Set<string> } = {
    resources: [],
    invokes: [],
    registeredOutputs: [],
    callErrors: [],
    pending: new Set(),
    unfinished: () => [...recorder.pending],
  };
  const secretOutputs = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const { id, state } = computedState(args.type, args.name);
        const result: Record<string, unknown> = { ...args.inputs, ...state };
        // The engine returns additionalSecretOutputs as secrets; so does this mock.
        for (const key of secretOutputs.get(`${args.type}::${args.name}`) ?? []) {
          if (key in result && !rpc.isRpcSecret(result[key])) result[key] = wrapSecret(result[key]);
        }
        return { id: args.custom ? id : undefined, state: result };
      },
      call(args) {
        recorder.invokes.push({
          token: args.token,
          inputs: markSecrets(args.inputs) as Record<string, unknown>,
        });
        try {
          return invokeResult(args.token, args.inputs);
        } catch (error) {
          // The SDK drops the message of a failed invoke; keep it for the run's verdict.
          recorder.callErrors.push((error as Error).message);
          throw error;
        }
      },
    },
    "vpc-ipip6-gateway",
    "test",
    false,
  );
  wrapMonitor(settings.getMonitor(), recorder, secretOutputs);
  return recorder;
}

function wrapMonitor(
  monitor: MonitorLike,
  recorder: Recorder & { pending: Set<string> },
  secretOutputs: Map<string, string[]>,
): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const key = `${req.getType()}::${req.getName()}`;
    secretOutputs.set(key, req.getAdditionalsecretoutputsList());
    recorder.pending.add(key);
    const record: CapturedResource = {
      type: req.getType(),
      name: req.getName(),
      urn: "",
      custom: req.getCustom(),
      parent: req.getParent(),
      inputs: markSecrets(rpc.deserializeProperties(req.getObject())) as Record<string, unknown>,
      ignoreChanges: req.getIgnorechangesList(),
      dependencies: req.getDependenciesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      importId: req.getImportid(),
      id: "",
    };
    recorder.resources.push(record);
    return register(req, (error, response) => {
      if (response) {
        record.urn = response.getUrn();
        record.id = (response as unknown as { getId(): string }).getId();
        recorder.pending.delete(key);
      }
      callback(error, response);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    recorder.registeredOutputs.push(req.getUrn());
    registerOutputs(req, callback);
  };
}
