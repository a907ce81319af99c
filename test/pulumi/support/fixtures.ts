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
