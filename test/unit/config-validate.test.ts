import assert from "node:assert/strict";
import { exampleDocument, problemLines, StackDocument, validateDocument } from "../support/stacks";

const NS = "vpc-ipip6-gateway";
type Mutation = (config: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

function problemsAfter(kind: "isatap" | "native", mutate: Mutation): string[] {
  const document: StackDocument = exampleDocument(kind);
  mutate(document.config);
  return problemLines(validateDocument(document).problems);
}

/** [what a network engineer got wrong, stack, mutation, expected key path, expected message part] */
const MISTAKES: Array<[string, "isatap" | "native", Mutation, string, RegExp]> = [
  [
    "kernel stream AL2023 does not ship",
    "isatap",
    (c) => (c[`${NS}:gateway`] = { ...c[`${NS}:gateway`], kernel: "6.6" }),
    `${NS}:gateway.kernel`,
    /"6\.1" or "6\.12", quoted/,
  ],
  [
    "kernel stream unquoted (YAML reads 6.10 and 6.1 alike)",
    "isatap",
    (c) => (c[`${NS}:gateway`] = { ...c[`${NS}:gateway`], kernel: 6.1 }),
    `${NS}:gateway.kernel`,
    /"6\.1" or "6\.12", quoted/,
  ],
  [
    "site CIDR with host bits",
    "isatap",
    (c) => (c[`${NS}:site`].cidrs = ["192.168.10.1/24"]),
    `${NS}:site.cidrs[0]`,
    /host bits/,
  ],
  [
    "site CIDR overlapping the VPC",
    "isatap",
    (c) => (c[`${NS}:site`].cidrs = ["10.0.8.0/24"]),
    `${NS}:site.cidrs[0]`,
    /overlaps vpc\.cidrs\[0\]/,
  ],
  [
    "two site CIDRs overlapping",
    "native",
    (c) => (c[`${NS}:site`].cidrs = ["172.20.0.0/22", "172.20.1.0/24"]),
    `${NS}:site.cidrs[1]`,
    /overlaps \[0\]/,
  ],
  [
    "malformed VPC CIDR",
    "isatap",
    (c) => (c[`${NS}:vpc`].cidrs = ["10.0.0.0/33"]),
    `${NS}:vpc.cidrs[0]`,
    /over 32/,
  ],
  [
    "private IP outside the VPC",
    "isatap",
    (c) => (c[`${NS}:gateways`][1].privateIp = "10.9.2.10"),
    `${NS}:gateways[1].privateIp`,
    /outside vpc\.cidrs/,
  ],
  [
    "both gateways in one subnet",
    "isatap",
    (c) => (c[`${NS}:gateways`][1].subnetId = "subnet-0aaa1111"),
    `${NS}:gateways[1].subnetId`,
    /two subnets/,
  ],
  [
    "same private IP twice",
    "isatap",
    (c) => (c[`${NS}:gateways`][1].privateIp = "10.0.1.10"),
    `${NS}:gateways[1].privateIp`,
    /same address/,
  ],
  [
    "three gateways",
    "isatap",
    (c) => c[`${NS}:gateways`].push({ subnetId: "subnet-0ccc3333", privateIp: "10.0.3.10" }),
    `${NS}:gateways`,
    /exactly 2/,
  ],
  [
    "MTU above 9001",
    "isatap",
    (c) => (c[`${NS}:ipv6`].pathMtu = 9216),
    `${NS}:ipv6.pathMtu`,
    /outside 1280\.\.9001/,
  ],
  [
    "MTU below 1280",
    "native",
    (c) => (c[`${NS}:ipv6`].pathMtu = 1200),
    `${NS}:ipv6.pathMtu`,
    /outside 1280\.\.9001/,
  ],
  [
    "MTU as text",
    "native",
    (c) => (c[`${NS}:ipv6`].pathMtu = "jumbo"),
    `${NS}:ipv6.pathMtu`,
    /whole number/,
  ],
  [
    "underlay too small to carry IPv6",
    "isatap",
    (c) => (c[`${NS}:ipv6`].underlayMtu = 1290),
    `${NS}:ipv6.underlayMtu`,
    /outside 1300\.\.9001/,
  ],
  [
    "duplicate tunnel ids",
    "isatap",
    (c) => (c[`${NS}:rtx`].tunnelIds = [1, 1]),
    `${NS}:rtx.tunnelIds[1]`,
    /duplicates tunnel id 1/,
  ],
  [
    "duplicate keepalive ids",
    "isatap",
    (c) => (c[`${NS}:rtx`].keepaliveIds = [5, 5]),
    `${NS}:rtx.keepaliveIds[1]`,
    /duplicates keepalive id 5/,
  ],
  [
    "keepalive id out of range",
    "isatap",
    (c) => (c[`${NS}:rtx`].keepaliveIds = [1, 101]),
    `${NS}:rtx.keepaliveIds[1]`,
    /outside 1\.\.100/,
  ],
  [
    "tunnel id beyond the model",
    "isatap",
    (c) => Object.assign(c[`${NS}:rtx`], { model: "RTX830", tunnelIds: [1, 21] }),
    `${NS}:rtx.tunnelIds[1]`,
    /outside 1\.\.20/,
  ],
  [
    "tunnel id beyond RTX3510's 1..1000 (the reference's tunnel table)",
    "isatap",
    (c) => Object.assign(c[`${NS}:rtx`], { model: "RTX3510", tunnelIds: [1, 1001] }),
    `${NS}:rtx.tunnelIds[1]`,
    /outside 1\.\.1000/,
  ],
  [
    "a spare saved-config file outside 1..4",
    "isatap",
    (c) => (c[`${NS}:rtx`].backupConfig = 0),
    `${NS}:rtx.backupConfig`,
    /1|4/,
  ],
  [
    "a revert window under a minute",
    "isatap",
    (c) => (c[`${NS}:rtx`].revertAfterSeconds = 30),
    `${NS}:rtx.revertAfterSeconds`,
    /60|3600/,
  ],
  [
    "a revert window beyond the relative schedule's 3600 s",
    "isatap",
    (c) => (c[`${NS}:rtx`].revertAfterSeconds = 3601),
    `${NS}:rtx.revertAfterSeconds`,
    /60|3600/,
  ],
  [
    "noRevert that is not a boolean",
    "isatap",
    (c) => (c[`${NS}:rtx`].noRevert = "yes"),
    `${NS}:rtx.noRevert`,
    /true or false|boolean/,
  ],
  [
    "adopt that is not a boolean",
    "isatap",
    (c) => (c[`${NS}:rtx`].adopt = "yes"),
    `${NS}:rtx.adopt`,
    /true or false|boolean/,
  ],
  [
    "an adopt list entry that names no setting",
    "isatap",
    (c) => (c[`${NS}:rtx`].adopt = ["keepalive:1", "tunnel one"]),
    `${NS}:rtx.adopt[1]`,
    /adopt target: tunnel:N, keepalive:N/,
  ],
  [
    "overwriteBackup that is not a boolean",
    "isatap",
    (c) => (c[`${NS}:rtx`].overwriteBackup = "always"),
    `${NS}:rtx.overwriteBackup`,
    /true or false/,
  ],
  [
    "a prober timeout that is not a whole number of probe intervals",
    "isatap",
    (c) => (c[`${NS}:failover`] = { probeTimeoutMs: 250 }),
    `${NS}:failover.probeTimeoutMs`,
    /multiple of 100 ms/,
  ],
  [
    "unknown RTX model",
    "isatap",
    (c) => (c[`${NS}:rtx`].model = "RTX9999"),
    `${NS}:rtx.model`,
    /known model/,
  ],
  [
    "LAN address outside the site",
    "isatap",
    (c) => (c[`${NS}:rtx`].lanAddress = "192.168.11.1"),
    `${NS}:rtx.lanAddress`,
    /outside site\.cidrs/,
  ],
  [
    "native address in isatap mode",
    "isatap",
    (c) => (c[`${NS}:gateways`][0].ipv6Address = "2001:db8::10"),
    `${NS}:gateways[0].ipv6Address`,
    /native mode only/,
  ],
  [
    "native address missing in native mode",
    "native",
    (c) => delete c[`${NS}:gateways`][1].ipv6Address,
    `${NS}:gateways[1].ipv6Address`,
    /required in native mode/,
  ],
  [
    "isatap router missing",
    "isatap",
    (c) => delete c[`${NS}:ipv6`].isatapRouter,
    `${NS}:ipv6.isatapRouter`,
    /required in isatap mode/,
  ],
  [
    "isatap key in native mode",
    "native",
    (c) => (c[`${NS}:ipv6`].isatapPrefix = "2001:db8:1::/64"),
    `${NS}:ipv6.isatapPrefix`,
    /isatap mode only/,
  ],
  [
    "isatap prefix not a /64",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapPrefix = "2001:db8:1::/48"),
    `${NS}:ipv6.isatapPrefix`,
    /\/64/,
  ],
  [
    "unknown mode",
    "isatap",
    (c) => (c[`${NS}:ipv6`].mode = "6rd"),
    `${NS}:ipv6.mode`,
    /isatap or native/,
  ],
  [
    "link-local RTX address",
    "isatap",
    (c) => (c[`${NS}:rtx`].ipv6Address = "fe80::1"),
    `${NS}:rtx.ipv6Address`,
    /link-local/,
  ],
  ["malformed VPC id", "isatap", (c) => (c[`${NS}:vpc`].id = "vpc-xyz"), `${NS}:vpc.id`, /vpc- id/],
  [
    "malformed subnet id",
    "isatap",
    (c) => (c[`${NS}:gateways`][0].subnetId = "sn-0aaa1111"),
    `${NS}:gateways[0].subnetId`,
    /subnet- id/,
  ],
  [
    "malformed route table id",
    "isatap",
    (c) => (c[`${NS}:vpc`].routeTableIds = ["rtb-0aaa1111", "rtb-0aaz"]),
    `${NS}:vpc.routeTableIds[1]`,
    /rtb- id/,
  ],
  [
    "duplicate route table",
    "isatap",
    (c) => (c[`${NS}:vpc`].routeTableIds = ["rtb-0aaa1111", "rtb-0aaa1111"]),
    `${NS}:vpc.routeTableIds[1]`,
    /duplicates/,
  ],
  [
    "malformed AMI id",
    "isatap",
    (c) => (c[`${NS}:gateway`].amiId = "ami-0123456789abcdef01"),
    `${NS}:gateway.amiId`,
    /ami- id/,
  ],
  [
    "SSH open to the world",
    "isatap",
    (c) => (c[`${NS}:gateway`].sshAllowedCidrs = ["0.0.0.0/0"]),
    `${NS}:gateway.sshAllowedCidrs[0]`,
    /whole Internet/,
  ],
  [
    "bastion in the VPC that the gateways' firewall would lock out",
    "isatap",
    (c) =>
      Object.assign(c[`${NS}:gateway`], {
        sshAllowedCidrs: ["10.0.9.0/24"],
        bastion: { host: "10.0.5.5", user: "jump" },
      }),
    `${NS}:gateway.bastion.host`,
    /10\.0\.5\.5 is in the VPC but not in vpc-ipip6-gateway:gateway\.sshAllowedCidrs: .*add 10\.0\.5\.5\/32/,
  ],
  [
    "typo in a key",
    "isatap",
    (c) => (c[`${NS}:rtx`].tunelIds = [1, 2]),
    `${NS}:rtx.tunelIds`,
    /did you mean "tunnelIds"/,
  ],
  [
    "unknown key in the namespace",
    "isatap",
    (c) => (c[`${NS}:gatewy`] = {}),
    `${NS}:gatewy`,
    /did you mean "gateway"/,
  ],
  [
    "unknown namespace",
    "isatap",
    (c) => (c["vpc-ipip6-gw:site"] = {}),
    "vpc-ipip6-gw:site",
    /unknown config namespace/,
  ],
  [
    "host key of another type",
    "isatap",
    (c) =>
      (c[`${NS}:rtx`].hostKey =
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIHZwYy1pcGlwNi1nYXRld2F5IGV4YW1wbGUga2V5ISEh"),
    `${NS}:rtx.hostKey`,
    /not a ssh-rsa key/,
  ],
  [
    "an RTX tunnel endpoint written with its prefix length",
    "isatap",
    (c) => (c[`${NS}:rtx`].ipv6Address = "2001:db8:ff::2/64"),
    `${NS}:rtx.ipv6Address`,
    /"2001:db8:ff::2\/64" has a prefix length: this key takes the IPv6 address alone; drop the \/64/,
  ],
  [
    "an RTX LAN address written with its prefix length",
    "isatap",
    (c) => (c[`${NS}:rtx`].lanAddress = "192.168.10.1/24"),
    `${NS}:rtx.lanAddress`,
    /takes the IPv4 address alone; drop the \/24/,
  ],
  [
    "an SSH host written with its prefix length",
    "isatap",
    (c) => (c[`${NS}:rtx`].host = "2001:db8:ff::2/64"),
    `${NS}:rtx.host`,
    /drop the \/64/,
  ],
  [
    "host key not base64",
    "isatap",
    (c) => (c[`${NS}:rtx`].hostKey = "ssh-ed25519 not!base64"),
    `${NS}:rtx.hostKey`,
    /<type> <base64>/,
  ],
  [
    "host key cut by one character when copied (the key is 31 of 32 bytes)",
    "isatap",
    (c) =>
      (c[`${NS}:rtx`].hostKey =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZwYy1pcGlwNi1nYXRld2F5IGV4YW1wbGUga2V5ISE"),
    `${NS}:rtx.hostKey`,
    /key data is cut short: the line was truncated/,
  ],
  [
    "host key whose base64 length no whole key gives",
    "isatap",
    (c) =>
      (c[`${NS}:rtx`].hostKey =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZwYy1pcGlwNi1nYXRld2F5IGV4YW1wbGUga2V5I"),
    `${NS}:rtx.hostKey`,
    /the base64 is 65 characters, which no whole key gives: it was cut/,
  ],
  [
    "bastion host key with a 16-byte ed25519 key",
    "isatap",
    (c) =>
      (c[`${NS}:gateway`] = {
        bastion: {
          host: "203.0.113.9",
          user: "ec2-user",
          hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAEHZwYy1pcGlwNi1nYXRld2E=",
        },
      }),
    `${NS}:gateway.bastion.hostKey`,
    /the ssh-ed25519 key is 16 bytes; a ssh-ed25519 key is 32 bytes/,
  ],
  [
    "advert interval over a second",
    "isatap",
    (c) => (c[`${NS}:failover`].advertIntervalMs = 1500),
    `${NS}:failover.advertIntervalMs`,
    /outside 50\.\.1000/,
  ],
  [
    "advert interval not in centiseconds",
    "isatap",
    (c) => (c[`${NS}:failover`].advertIntervalMs = 205),
    `${NS}:failover.advertIntervalMs`,
    /multiple of 10/,
  ],
  [
    "RTX keepalive count below 3",
    "isatap",
    (c) => (c[`${NS}:failover`].rtxKeepaliveCount = 2),
    `${NS}:failover.rtxKeepaliveCount`,
    /outside 3\.\.100/,
  ],
  [
    "site name with capitals",
    "isatap",
    (c) => (c[`${NS}:site`].name = "Osaka"),
    `${NS}:site.name`,
    /a-z/,
  ],
  ["missing section", "isatap", (c) => delete c[`${NS}:rtx`], `${NS}:rtx`, /is required/],
  [
    "ISATAP router inside the site",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapRouter = "192.168.10.254"),
    `${NS}:ipv6.isatapRouter`,
    /inside site\.cidrs/,
  ],
  [
    "WAN interface as a PP",
    "isatap",
    (c) => (c[`${NS}:rtx`].wanInterface = "pp1"),
    `${NS}:rtx.wanInterface`,
    /lan2/,
  ],
  [
    "multicast ISATAP router",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapRouter = "224.0.0.5"),
    `${NS}:ipv6.isatapRouter`,
    /multicast address.*unicast IPv4 address of the AWS-side ISATAP router/,
  ],
  [
    "unspecified ISATAP router",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapRouter = "0.0.0.0"),
    `${NS}:ipv6.isatapRouter`,
    /unspecified address.*unicast/,
  ],
  [
    "broadcast ISATAP router",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapRouter = "255.255.255.255"),
    `${NS}:ipv6.isatapRouter`,
    /limited broadcast address.*unicast/,
  ],
  [
    "loopback ISATAP router",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapRouter = "127.0.0.1"),
    `${NS}:ipv6.isatapRouter`,
    /loopback address.*unicast/,
  ],
  [
    "link-local ISATAP prefix",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapPrefix = "fe80::/64"),
    `${NS}:ipv6.isatapPrefix`,
    /link-local \(fe80::\/10\); give the global \/64/,
  ],
  [
    "multicast ISATAP prefix",
    "isatap",
    (c) => (c[`${NS}:ipv6`].isatapPrefix = "ff0e::/64"),
    `${NS}:ipv6.isatapPrefix`,
    /multicast \(ff00::\/8\); give the global \/64/,
  ],
  [
    "RTX LAN address that is its network's network address",
    "native",
    (c) => (c[`${NS}:rtx`].lanAddress = "172.20.8.0"),
    `${NS}:rtx.lanAddress`,
    /is the network address of site network 172\.20\.8\.0\/24; give the RTX's own address/,
  ],
  [
    "RTX LAN address that is its network's broadcast address",
    "native",
    (c) => (c[`${NS}:rtx`].lanAddress = "172.20.3.255"),
    `${NS}:rtx.lanAddress`,
    /is the broadcast address of site network 172\.20\.0\.0\/22/,
  ],
  [
    "RTX tunnel address equal to a native gateway's",
    "native",
    (c) => (c[`${NS}:rtx`].ipv6Address = "2001:db8:100:2::10"),
    `${NS}:rtx.ipv6Address`,
    /is gateways\[1\]\.ipv6Address, the gateway's end of the tunnel; give the RTX's own/,
  ],
  [
    "RTX tunnel address equal to a gateway's derived ISATAP address",
    "isatap",
    (c) => (c[`${NS}:rtx`].ipv6Address = "2001:DB8:1:0:0:5efe:10.0.1.10"),
    `${NS}:rtx.ipv6Address`,
    /2001:db8:1::5efe:a00:10a is gateways\[0\]'s own ISATAP address/,
  ],
  [
    "IPv4-mapped RTX tunnel address",
    "isatap",
    (c) => (c[`${NS}:rtx`].ipv6Address = "::ffff:192.168.10.1"),
    `${NS}:rtx.ipv6Address`,
    /IPv4-mapped address \(::ffff:0:0\/96\)/,
  ],
  [
    "SSH rules that add up to the whole Internet",
    "isatap",
    (c) => (c[`${NS}:gateway`].sshAllowedCidrs = ["10.0.0.0/16", "0.0.0.0/1", "128.0.0.0/1"]),
    `${NS}:gateway.sshAllowedCidrs`,
    /together open SSH to the whole Internet; name the networks/,
  ],
  [
    "SSH rules that add up to the whole Internet in many pieces",
    "isatap",
    (c) =>
      (c[`${NS}:gateway`].sshAllowedCidrs = [
        "192.0.0.0/2",
        "0.0.0.0/2",
        "128.0.0.0/2",
        "64.0.0.0/3",
        "96.0.0.0/3",
      ]),
    `${NS}:gateway.sshAllowedCidrs`,
    /whole Internet/,
  ],
  [
    "WAN interface the RTX830 does not have",
    "isatap",
    (c) => Object.assign(c[`${NS}:rtx`], { model: "RTX830", wanInterface: "lan3" }),
    `${NS}:rtx.wanInterface`,
    /RTX830 has lan1\.\.lan2; "lan3" does not exist on it/,
  ],
  [
    "WAN interface the RTX1210 does not have",
    "isatap",
    (c) => Object.assign(c[`${NS}:rtx`], { model: "RTX1210", wanInterface: "lan4" }),
    `${NS}:rtx.wanInterface`,
    /RTX1210 has lan1\.\.lan3/,
  ],
  [
    "RTX host key pasted from known_hosts",
    "isatap",
    (c) =>
      (c[`${NS}:rtx`].hostKey =
        "192.168.10.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZwYy1pcGlwNi1nYXRld2F5IGV4YW1wbGUga2V5ISEh"),
    `${NS}:rtx.hostKey`,
    /known_hosts line: drop the leading host name \("192\.168\.10\.1"\)/,
  ],
  [
    "bastion host key pasted from known_hosts with a port",
    "isatap",
    (c) =>
      (c[`${NS}:gateway`].bastion = {
        host: "bastion.example.net",
        user: "jump",
        hostKey:
          "[bastion.example.net]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZwYy1pcGlwNi1nYXRld2F5IGV4YW1wbGUga2V5ISEh",
      }),
    `${NS}:gateway.bastion.hostKey`,
    /drop the leading host name \("\[bastion\.example\.net\]:2222"\)/,
  ],
  [
    "flat dotted key from pulumi config set without --path",
    "isatap",
    (c) => (c[`${NS}:rtx.host`] = "192.168.10.2"),
    `${NS}:rtx.host`,
    /did you mean to nest it\? use pulumi config set --path 'vpc-ipip6-gateway:rtx\.host' '192\.168\.10\.2'/,
  ],
  [
    "flat list key from pulumi config set without --path",
    "isatap",
    (c) => (c[`${NS}:gateways[0].privateIp`] = "10.0.1.11"),
    `${NS}:gateways[0].privateIp`,
    /did you mean to nest it\? use pulumi config set --path 'vpc-ipip6-gateway:gateways\[0\]\.privateIp'/,
  ],
];

describe("stack config validation", () => {
  it("accepts both example stacks", () => {
    for (const kind of ["isatap", "native"] as const) {
      assert.deepEqual(
        problemsAfter(kind, () => undefined),
        [],
        kind,
      );
    }
  });

  for (const [mistake, kind, mutate, path, message] of MISTAKES) {
    it(`rejects ${mistake} at ${path}`, () => {
      const lines = problemsAfter(kind, mutate);
      const hit = lines.find((line) => line.startsWith(`${path}: `) && message.test(line));
      assert.ok(hit, `expected "${path}: ${message}" among:\n${lines.join("\n")}`);
    });
  }

  it("reports every problem at once, each starting with its key path", () => {
    const lines = problemsAfter("isatap", (c) => {
      c[`${NS}:site`].cidrs = ["10.0.0.0/24"];
      c[`${NS}:ipv6`].pathMtu = 100;
      c[`${NS}:rtx`].tunnelIds = [3, 3];
      c[`${NS}:gateways`][1].privateIp = "10.9.2.10";
    });
    assert.ok(lines.length >= 4, lines.join("\n"));
    assert.ok(
      lines.some((l) => l.startsWith("vpc-ipip6-gateway:site.cidrs[0]: ")),
      lines.join("\n"),
    );
    for (const line of lines) assert.match(line, /^(vpc-ipip6-gateway|aws)[:.][^ ]*: /);
  });

  it("fills the documented defaults", () => {
    const document = exampleDocument("isatap");
    delete document.config[`${NS}:gateway`];
    delete document.config[`${NS}:failover`];
    const rtx = document.config[`${NS}:rtx`] as Record<string, unknown>;
    for (const key of ["port", "wanInterface", "tunnelIds", "keepaliveIds", "ipv6FilterId"])
      delete rtx[key];
    const { config } = validateDocument(document);
    assert.ok(config);
    assert.deepEqual(config.gateway, {
      instanceType: "t4g.nano",
      kernel: "6.1",
      sshUser: "ec2-user",
      sshAllowedCidrs: ["10.0.0.0/16"],
      interfaceName: "ens5",
      createVpcEndpoints: false,
    });
    assert.deepEqual(config.failover, {
      advertIntervalMs: 200,
      rtxKeepaliveIntervalS: 1,
      probeTimeoutMs: 200,
      rtxKeepaliveCount: 3,
    });
    assert.equal(config.rtx.port, 22);
    assert.equal(config.rtx.wanInterface, "lan2");
    assert.deepEqual(config.rtx.tunnelIds, [1, 2]);
    assert.equal(config.rtx.ipv6FilterId, 101035);
  });

  it("refuses a secret stored in plain text without echoing it", () => {
    const secret = "s3cret-Rtx-Passw0rd";
    const lines = problemsAfter("isatap", (c) => (c[`${NS}:rtxPassword`] = secret));
    assert.ok(
      lines.some((l) => l.startsWith(`${NS}:rtxPassword: `) && /--secret/.test(l)),
      lines.join("\n"),
    );
    assert.ok(!lines.join("\n").includes(secret));
  });

  it("renders a bastion without its host key, but refuses to deploy through it", () => {
    const document = exampleDocument("isatap");
    (document.config[`${NS}:gateway`] as Record<string, unknown>).bastion = {
      host: "bastion.example.net",
      user: "jump",
      port: 22,
    };
    assert.deepEqual(problemLines(validateDocument(document, false).problems), []);
    const lines = problemLines(validateDocument(document, true).problems);
    assert.ok(
      lines.some((l) => l.startsWith(`${NS}:gateway.bastion.hostKey: is required to deploy`)),
      lines.join("\n"),
    );
  });

  it("requires the secrets only when the program asks", () => {
    const document = exampleDocument("native");
    delete document.config[`${NS}:gatewaySshPrivateKey`];
    assert.equal(validateDocument(document, false).problems.length, 0);
    const lines = problemLines(validateDocument(document, true).problems);
    assert.deepEqual(lines, [
      `${NS}:gatewaySshPrivateKey: is required; set it with: pulumi config set --secret gatewaySshPrivateKey`,
    ]);
  });

  it("canonicalises addresses so both ends render the same text", () => {
    const document = exampleDocument("native");
    (document.config[`${NS}:rtx`] as Record<string, unknown>).ipv6Address =
      "2001:0DB8:00ff:0020:0:0:0:1";
    const { config } = validateDocument(document);
    assert.equal(config?.rtx.ipv6Address, "2001:db8:ff:20::1");
  });

  it("accepts what is close to a refused value but works", () => {
    const accepted: Array<["isatap" | "native", Mutation]> = [
      // Half the Internet plus a quarter leaves a gap: not the whole Internet.
      ["isatap", (c) => (c[`${NS}:gateway`].sshAllowedCidrs = ["0.0.0.0/1", "128.0.0.0/2"])],
      // A bastion inside sshAllowedCidrs, or one the gateways do not see by this address.
      ...["10.0.9.7", "203.0.113.10", "bastion.example.net"].map((host): ["isatap", Mutation] => [
        "isatap",
        (c) =>
          Object.assign(c[`${NS}:gateway`], {
            sshAllowedCidrs: ["10.0.9.0/24"],
            bastion: { host, user: "jump" },
          }),
      ]),
      // The default sshAllowedCidrs (vpc.cidrs) admits any bastion in the VPC.
      ["isatap", (c) => (c[`${NS}:gateway`].bastion = { host: "10.0.5.5", user: "jump" })],
      ["isatap", (c) => Object.assign(c[`${NS}:rtx`], { model: "RTX1300", wanInterface: "lan8" })],
      // No source for RTX5000's interfaces: nothing to check against.
      ["isatap", (c) => Object.assign(c[`${NS}:rtx`], { model: "RTX5000", wanInterface: "lan9" })],
      ["isatap", (c) => (c[`${NS}:rtx`].wanInterface = "lan9")],
      ["isatap", (c) => (c[`${NS}:rtx`].lanAddress = "192.168.10.254")],
      ["isatap", (c) => (c[`${NS}:rtx`].ipv6Address = "2001:db8:1::5efe:a00:10b")],
      ["isatap", (c) => (c[`${NS}:ipv6`].isatapRouter = "223.255.255.255")],
    ];
    for (const [kind, mutate] of accepted) assert.deepEqual(problemsAfter(kind, mutate), []);
  });

  it("rejects unknown top-level keys and YAML errors in a stack file", () => {
    const document = { ...exampleDocument("isatap"), confg: {} };
    assert.deepEqual(problemLines(validateDocument(document).problems), [
      "confg: unknown top-level key in a stack file (known: config, encryptionsalt, secretsprovider, encryptedkey, environment)",
    ]);
  });
});
