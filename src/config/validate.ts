/**
 * Validation of the stack configuration (README "Configuration reference"; the keys are listed
 * in src/config/contract.ts): reads every key, fills defaults, and reports every problem at once
 * by key path. Runs before any resource is declared. Each section's rules live in
 * src/config/sections/.
 */

import { fullKey, NAMESPACE, Section, SECTIONS } from "./contract";
import { ConfigReader, unknownKeyMessage } from "./reader";
import { crossCheck } from "./sections/cross";
import { readFailover } from "./sections/failover";
import { readGatewayOptions } from "./sections/gateway";
import { readGateways } from "./sections/gateways";
import { readIpv6 } from "./sections/ipv6";
import { readMonitoring } from "./sections/monitoring";
import { readRtx } from "./sections/rtx";
import { readSite } from "./sections/site";
import { readVpc } from "./sections/vpc";
import { Problem, SECRET_KEYS, StackConfig } from "./types";

/** Other namespaces a site stack may carry config for. */
const FOREIGN_NAMESPACES = ["aws", "pulumi", "command", "tls"];

/** Config as read from a stack file or the Pulumi runtime, before validation. */
export interface RawStackConfig {
  /** Full key ("vpc-ipip6-gateway:site", "aws:region") -> value (objects already parsed). */
  values: Record<string, unknown>;
  /** Full keys whose values are stored encrypted (`secure:`); their values are never read. */
  secureKeys: Set<string>;
}

export interface ValidateOptions {
  /**
   * Validating for `pulumi up`: the secrets, and the bastion's host key when there is a bastion,
   * are required. `render` needs neither, so it accepts stacks without them.
   */
  forDeploy: boolean;
}

export interface ValidationResult {
  config?: StackConfig;
  problems: Problem[];
}

export function validateStackConfig(
  input: RawStackConfig,
  options: ValidateOptions,
): ValidationResult {
  const raw = { ...input, values: withoutEmptyValues(input.values) as Record<string, unknown> };
  const r = new ConfigReader();
  const section = (name: Section) => raw.values[fullKey(name)];
  checkKeys(r, raw, options);
  const site = readSite(r, section("site"));
  const vpc = readVpc(r, section("vpc"));
  const ipv6 = readIpv6(r, section("ipv6"));
  const gateways = readGateways(r, section("gateways"), ipv6?.mode);
  const gateway = readGatewayOptions(r, section("gateway"), vpc, options.forDeploy);
  const rtx = readRtx(r, section("rtx"));
  const failover = readFailover(r, section("failover"));
  const monitoring = readMonitoring(r, section("monitoring"));
  const region = r.string(
    "aws:region",
    raw.values["aws:region"],
    /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
    "an AWS region",
  );
  crossCheck(r, { site, vpc, gateways, ipv6, rtx });
  if (
    r.problems.length > 0 ||
    !site ||
    !vpc ||
    !gateways ||
    !gateway ||
    !ipv6 ||
    !rtx ||
    !failover
  ) {
    return { problems: r.problems };
  }
  return {
    config: { region, site, vpc, gateways, gateway, ipv6, rtx, failover, monitoring },
    problems: [],
  };
}

function checkKeys(r: ConfigReader, raw: RawStackConfig, options: ValidateOptions): void {
  const known: string[] = [...SECTIONS, ...SECRET_KEYS];
  for (const [full, value] of Object.entries(raw.values)) {
    const [namespace, name] = splitKey(full);
    if (namespace === NAMESPACE) {
      if (!known.includes(name))
        r.report(full, flatKeyMessage(full, name, value) ?? unknownKeyMessage(name, known));
    } else if (!FOREIGN_NAMESPACES.includes(namespace)) {
      r.report(
        full,
        `unknown config namespace "${namespace}" (this project's keys are under ${NAMESPACE}:)`,
      );
    }
  }
  for (const name of SECTIONS) {
    const optional = name === "gateway" || name === "failover" || name === "monitoring";
    if (!optional && raw.values[fullKey(name)] == null) {
      r.report(fullKey(name), "is required");
    }
  }
  for (const secret of SECRET_KEYS) {
    const full = fullKey(secret);
    const present = raw.values[full] !== undefined;
    if (present && !raw.secureKeys.has(full)) {
      r.report(full, `is stored in plain text; set it with: pulumi config set --secret ${secret}`);
    } else if (!present && options.forDeploy) {
      r.report(full, `is required; set it with: pulumi config set --secret ${secret}`);
    }
  }
}

/**
 * `pulumi config set rtx.host x` without --path stores one flat key named "rtx.host" instead
 * of a host key inside the rtx mapping: say how to nest it.
 */
function flatKeyMessage(full: string, name: string, value: unknown): string | undefined {
  const head = /^([A-Za-z]+)[.[]/.exec(name)?.[1];
  if (!head || !(SECTIONS as readonly string[]).includes(head)) return undefined;
  const shown =
    typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? `'${String(value)}'`
      : "<value>";
  return (
    `is one flat key, not "${name.slice(head.length + 1)}" inside ${head}: did you mean to nest it? ` +
    `use pulumi config set --path '${full}' ${shown} (and pulumi config rm '${full}')`
  );
}

/** A key given with no value (`key:` in YAML) means "not set": drop it, at any depth of mappings. */
function withoutEmptyValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyValues);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).filter(([, v]) => v !== null);
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutEmptyValues(v)]));
}

function splitKey(full: string): [string, string] {
  const colon = full.indexOf(":");
  return colon < 0 ? ["", full] : [full.slice(0, colon), full.slice(colon + 1)];
}
