/** Test values shared by the program host (child process, mocks) and the tests. */

/** Marker inside every fake host private key the tls mock returns. */
export const HOST_KEY_MARKER = "sekret-host-key-";

/** Deterministic stand-ins for tls.PrivateKey outputs, keyed by the resource name. */
export function fakeHostKey(name: string): { privateKeyOpenssh: string; publicKeyOpenssh: string } {
  const body = Buffer.from(`host-public-${name}`).toString("base64").replace(/=+$/, "");
  return {
    privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${HOST_KEY_MARKER}${name}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKeyOpenssh: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5${body}\n`,
  };
}

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "ap-northeast-1";

/** DescribeInstanceTypes answers the mock knows; anything else fails the call. */
export const INSTANCE_ARCHITECTURES: Record<string, string[]> = {
  "t4g.nano": ["arm64"],
  "t4g.small": ["arm64"],
  "c7g.large": ["arm64"],
  "t3.micro": ["i386", "x86_64"],
};

/** Images DescribeImages knows by id (gateway.amiId in the tests), with their architecture. */
export const KNOWN_IMAGES: Record<string, string> = {
  "ami-0123456789abcdef0": "arm64",
  "ami-0fedcba9876543210": "x86_64",
};

export function fakeAmiId(architecture: string): string {
  return `ami-0al2023${architecture.replace(/_/g, "")}`;
}

/** The wrapper the capture uses for values that reached the mock as secrets. */
export const SECRET_KEY = "__secret__";

/**
 * DescribeRouteTables as EC2 answers it: `association.subnet-id` matches explicit associations
 * only (a subnet on its VPC's main table matches nothing), `association.main` the main table.
 * In the native example, gateway 1's subnet has no explicit association.
 */
export const SUBNET_ROUTE_TABLES: Record<string, string> = {
  "subnet-0aaa1111": "rtb-0aaa1111",
  "subnet-0bbb2222": "rtb-0gw02222",
  "subnet-0ccc3333": "rtb-0gw03333",
};
export const MAIN_ROUTE_TABLES: Record<string, string> = {
  "vpc-0abc1234": "rtb-0main1234",
  "vpc-0def5678": "rtb-0main5678",
};

/** A subnet as the mocked getSubnet answers it (unset IPv6 is "", as the provider returns it). */
export interface MockSubnet {
  id: string;
  vpcId: string;
  availabilityZone: string;
  cidrBlock: string;
  ipv6CidrBlock?: string;
}

/** A route in the lookup's shape: its IPv4 destination and one target field set. */
export type MockRoute = { cidrBlock: string } & Record<string, string>;

export interface MockRouteTable {
  id: string;
  vpcId: string;
  routes: MockRoute[];
}

export interface MockNetworkInterface {
  id: string;
  vpcId: string;
  tags: Record<string, string>;
}

/** What the mocked lookups find in the account; a run may bring its own (ProgramRun.aws). */
export interface MockAwsWorld {
  subnets: MockSubnet[];
  routeTables: MockRouteTable[];
  networkInterfaces: MockNetworkInterface[];
}

/** An account where both example stacks (stacks/*.yaml) pass the AWS preflight. */
export const DEFAULT_AWS_WORLD: MockAwsWorld = {
  subnets: [
    {
      id: "subnet-0aaa1111",
      vpcId: "vpc-0abc1234",
      availabilityZone: "ap-northeast-1a",
      cidrBlock: "10.0.1.0/24",
    },
    {
      id: "subnet-0bbb2222",
      vpcId: "vpc-0abc1234",
      availabilityZone: "ap-northeast-1c",
      cidrBlock: "10.0.2.0/24",
    },
    {
      id: "subnet-0ccc3333",
      vpcId: "vpc-0def5678",
      availabilityZone: "ap-northeast-1a",
      cidrBlock: "10.1.1.0/24",
      ipv6CidrBlock: "2001:db8:100:1::/64",
    },
    {
      id: "subnet-0ddd4444",
      vpcId: "vpc-0def5678",
      availabilityZone: "ap-northeast-1c",
      cidrBlock: "10.1.2.0/24",
      ipv6CidrBlock: "2001:db8:100:2::/64",
    },
  ],
  routeTables: [
    { id: "rtb-0aaa1111", vpcId: "vpc-0abc1234", routes: [] },
    { id: "rtb-0bbb2222", vpcId: "vpc-0abc1234", routes: [] },
    { id: "rtb-0ccc3333", vpcId: "vpc-0def5678", routes: [] },
  ],
  networkInterfaces: [],
};
