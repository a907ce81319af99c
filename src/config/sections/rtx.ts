/** `rtx`: how to reach the site's RTX and the ids and interfaces our lines use on it. */

import { defaultOf, fullKey, keysOf } from "../contract";
import { ipv4Address, ipv6Endpoint, orDefault, sshHost, sshPublicKey } from "../fields";
import { ConfigReader } from "../reader";
import { MAX_IPV6_FILTER_ID, RTX_MODELS, UNKNOWN_MODEL_LIMITS } from "../rtx-models";
import { RtxConfig } from "../types";
import { ADOPT_TARGET_FORM, parseAdoptList } from "../../rtx/adopt";

export function readRtx(r: ConfigReader, value: unknown): RtxConfig | undefined {
  const p = fullKey("rtx");
  const o = r.object(p, value, keysOf("rtx"));
  if (!o) return undefined;
  const model = r.string(
    `${p}.model`,
    o.model,
    new RegExp(`^(${Object.keys(RTX_MODELS).join("|")})$`),
    `a known model (${Object.keys(RTX_MODELS).join(", ")})`,
  );
  const limits = model ? RTX_MODELS[model] : UNKNOWN_MODEL_LIMITS;
  const host = r.required(`${p}.host`, sshHost(r, `${p}.host`, o.host));
  const port = r.integer(`${p}.port`, o.port, 1, 65535) ?? defaultOf("rtx.port");
  const user = r.required(
    `${p}.user`,
    r.string(`${p}.user`, o.user, /^[A-Za-z0-9._-]{1,32}$/, "an RTX login name"),
  );
  const hostKey = r.required(`${p}.hostKey`, sshPublicKey(r, `${p}.hostKey`, o.hostKey));
  const ipv6Address = r.required(
    `${p}.ipv6Address`,
    ipv6Endpoint(r, `${p}.ipv6Address`, o.ipv6Address),
  );
  const lanAddress = r.required(`${p}.lanAddress`, ipv4Address(r, `${p}.lanAddress`, o.lanAddress));
  const wanInterface = orDefault<string>(o.wanInterface, defaultOf("rtx.wanInterface"), (v) =>
    readWanInterface(r, `${p}.wanInterface`, v, model),
  );
  const tunnelIds = orDefault(o.tunnelIds, idPairDefault("rtx.tunnelIds"), (v) =>
    idPair(r, `${p}.tunnelIds`, v, limits.maxTunnel, "tunnel"),
  );
  const keepaliveIds = orDefault(o.keepaliveIds, idPairDefault("rtx.keepaliveIds"), (v) =>
    idPair(r, `${p}.keepaliveIds`, v, limits.maxKeepalive, "keepalive"),
  );
  const ipv6FilterId = orDefault<number>(o.ipv6FilterId, defaultOf("rtx.ipv6FilterId"), (v) =>
    r.integer(`${p}.ipv6FilterId`, v, 1, MAX_IPV6_FILTER_ID),
  );
  const adopt = orDefault<boolean | string[]>(o.adopt, defaultOf("rtx.adopt"), (v) =>
    readAdopt(r, `${p}.adopt`, v),
  );
  const overwriteBackup = orDefault<boolean>(
    o.overwriteBackup,
    defaultOf("rtx.overwriteBackup"),
    (v) => r.boolean(`${p}.overwriteBackup`, v),
  );
  // Saved configuration files are 0..4 (command reference 56.3.4); 0 is the usual boot file,
  // so a spare one is 1..4. Which file boots is checked on the router at every save.
  const backupConfig =
    o.backupConfig == null ? undefined : r.integer(`${p}.backupConfig`, o.backupConfig, 1, 4);
  // The window of the revert armed before each change: `schedule at … +<1..3600>` (command
  // reference 37.1); a minute is the least an apply and its check from a new connection need.
  const revertAfterSeconds =
    o.revertAfterSeconds == null
      ? undefined
      : r.integer(`${p}.revertAfterSeconds`, o.revertAfterSeconds, 60, 3600);
  const noRevert = orDefault<boolean>(o.noRevert, defaultOf("rtx.noRevert"), (v) =>
    r.boolean(`${p}.noRevert`, v),
  );
  if (
    !host ||
    !user ||
    !hostKey ||
    !ipv6Address ||
    !lanAddress ||
    !wanInterface ||
    !tunnelIds ||
    !keepaliveIds ||
    !ipv6FilterId
  ) {
    return undefined;
  }
  return {
    host,
    port,
    user,
    hostKey,
    ipv6Address,
    lanAddress,
    wanInterface,
    tunnelIds,
    keepaliveIds,
    ipv6FilterId,
    ...(model ? { model } : {}),
    ...(adopt === true || (Array.isArray(adopt) && adopt.length > 0) ? { adopt } : {}),
    ...(overwriteBackup ? { overwriteBackup } : {}),
    ...(backupConfig !== undefined ? { backupConfig } : {}),
    ...(revertAfterSeconds !== undefined ? { revertAfterSeconds } : {}),
    ...(noRevert ? { noRevert } : {}),
  };
}

/** true/false, or a list of adopt targets (`tunnel:1`, `keepalive:2`; src/rtx/adopt.ts). */
function readAdopt(r: ConfigReader, p: string, value: unknown): boolean | string[] | undefined {
  if (!Array.isArray(value)) return r.boolean(p, value);
  return r.listOf(p, value, (ip, v) =>
    typeof v === "string" && Array.isArray(parseAdoptList([v]))
      ? v
      : r.report(ip, `must be an adopt target: ${ADOPT_TARGET_FORM}`),
  );
}

/** lanN or bridgeN; with a known model, a lanN the model has (bridges are made, not built in). */
function readWanInterface(
  r: ConfigReader,
  p: string,
  value: unknown,
  model: string | undefined,
): string | undefined {
  const name = r.string(
    p,
    value,
    /^(lan|bridge)\d+$/,
    "a LAN or bridge interface name (lan2, bridge1)",
  );
  const lans = model ? RTX_MODELS[model].lanInterfaces : undefined;
  const lan = name ? /^lan(\d+)$/.exec(name) : null;
  if (!name || !lan || lans === undefined || Number(lan[1]) <= lans) return name;
  return r.report(
    p,
    `${model} has lan1..lan${lans}; "${name}" does not exist on it (name the interface that faces the IPv6 network, or correct rtx.model)`,
  );
}

function idPairDefault(key: "rtx.tunnelIds" | "rtx.keepaliveIds"): [number, number] {
  const [a, b] = defaultOf(key);
  return [a, b];
}

/** Two distinct ids in 1..max (max: the model's range, or the widest when rtx.model is unset). */
function idPair(
  r: ConfigReader,
  p: string,
  value: unknown,
  max: number,
  what: string,
): [number, number] | undefined {
  const ids = r.listOf(p, value, (ip, v) => r.integer(ip, v, 1, max), { min: 2, max: 2 });
  if (!ids || ids.length !== 2) return undefined;
  if (ids[0] === ids[1])
    return r.report(`${p}[1]`, `duplicates ${what} id ${ids[0]}; each gateway needs its own`);
  return [ids[0], ids[1]];
}
