import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readPulumiStackConfig, StackConfigError } from "../../src/config/pulumi";
import { exampleDocument } from "../support/stacks";

/** The program's config path: values arrive as strings (objects as JSON), secrets marked by key. */
function setRuntimeConfig(values: Record<string, unknown>, secretKeys: string[]): void {
  const text = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  pulumi.runtime.setAllConfig(text, secretKeys);
}

const SECRETS = [
  "vpc-ipip6-gateway:rtxPassword",
  "vpc-ipip6-gateway:rtxAdminPassword",
  "vpc-ipip6-gateway:gatewaySshPrivateKey",
];

describe("stack config from the Pulumi runtime", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}, []));

  it("reads structured values and accepts secrets marked secret", () => {
    const values = { ...exampleDocument("native").config };
    for (const key of SECRETS) values[key] = "s3cret-value";
    setRuntimeConfig(values, SECRETS);
    const config = readPulumiStackConfig();
    assert.equal(config.site.name, "nagoya");
    assert.deepEqual(config.rtx.tunnelIds, [11, 12]);
    assert.equal(config.ipv6.mode, "native");
  });

  it("refuses a secret that is not marked secret, and missing ones, without printing values", () => {
    const values = { ...exampleDocument("isatap").config };
    delete values["vpc-ipip6-gateway:gatewaySshPrivateKey"];
    values["vpc-ipip6-gateway:rtxPassword"] = "plain-Passw0rd";
    values["vpc-ipip6-gateway:rtxAdminPassword"] = "admin-Passw0rd";
    setRuntimeConfig(values, ["vpc-ipip6-gateway:rtxAdminPassword"]);
    assert.throws(readPulumiStackConfig, (error: unknown) => {
      assert.ok(error instanceof StackConfigError);
      assert.deepEqual(error.lines, [
        "vpc-ipip6-gateway:rtxPassword: is stored in plain text; set it with: pulumi config set --secret rtxPassword",
        "vpc-ipip6-gateway:gatewaySshPrivateKey: is required; set it with: pulumi config set --secret gatewaySshPrivateKey",
      ]);
      assert.ok(!error.message.includes("Passw0rd"));
      return true;
    });
  });
});
