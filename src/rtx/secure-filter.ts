/**
 * `ip|ipv6 <if> secure filter in|out <ids...> [dynamic <ids...>]` is a list the user owns. A
 * list drops every packet that none of its entries matches, so a list must never be created
 * where there was none (with none, nothing is filtered). Our line means "our ids must be in the
 * list": they go in among the user's static entries before the first filter that rejects
 * everything (else at the end of the static part, before the implicit drop), every user entry
 * keeps its place, and removal takes out only our ids, so the list comes back exactly.
 */
import { ConfigLine } from "./model";
import { joinTokens } from "./normalize";

/** The command reference's limit on static and dynamic ids in one list. */
export const MAX_SECURE_FILTER_ENTRIES = 129;

export interface SecureFilterList {
  /** `ipv6 lan2 secure filter in`, as tokens. */
  head: string[];
  staticIds: string[];
  dynamicIds: string[];
}

export function parseSecureFilter(line: ConfigLine): SecureFilterList {
  const head = line.tokens.slice(0, 5);
  const rest = line.tokens.slice(5);
  const dynamicAt = rest.findIndex((t) => t.toLowerCase() === "dynamic");
  const staticIds = dynamicAt >= 0 ? rest.slice(0, dynamicAt) : rest;
  const dynamicIds = dynamicAt >= 0 ? rest.slice(dynamicAt + 1) : [];
  return { head, staticIds, dynamicIds };
}

export function renderSecureFilter(list: SecureFilterList): string {
  const dynamicPart = list.dynamicIds.length > 0 ? ["dynamic", ...list.dynamicIds] : [];
  return joinTokens([...list.head, ...list.staticIds, ...dynamicPart]);
}

/** The list's name, e.g. `ipv6 lan2 secure filter in`. */
export function listName(list: SecureFilterList): string {
  return joinTokens(list.head);
}

export function entryCount(list: SecureFilterList): number {
  return list.staticIds.length + list.dynamicIds.length;
}

export function isEmptyList(list: SecureFilterList): boolean {
  return entryCount(list) === 0;
}

/**
 * Ids of the filters (`ip filter` for an `ip` list, `ipv6 filter` for an `ipv6` list) that
 * reject every packet: `reject`, `reject-log` or `reject-nolog` with every field `*`.
 */
export function rejectAllIds(current: ConfigLine[], list: SecureFilterList): Set<string> {
  const family = list.head[0].toLowerCase();
  const ids = new Set<string>();
  for (const line of current) {
    const [command, kind, id, action, ...fields] = line.tokens.map((t) => t.toLowerCase());
    if (line.context || command !== family || kind !== "filter" || !/^\d+$/.test(id ?? ""))
      continue;
    if (/^reject(-log|-nolog)?$/.test(action ?? "") && fields.every((f) => f === "*")) ids.add(id);
  }
  return ids;
}

/** The list with our missing ids in: before the first reject-all static entry, else last. */
export function mergeOurIds(
  current: SecureFilterList,
  ours: SecureFilterList,
  rejectAll: Set<string>,
): SecureFilterList {
  const missing = ours.staticIds.filter((id) => !current.staticIds.includes(id));
  const missingDynamic = ours.dynamicIds.filter((id) => !current.dynamicIds.includes(id));
  const firstReject = current.staticIds.findIndex((id) => rejectAll.has(id));
  const at = firstReject >= 0 ? firstReject : current.staticIds.length;
  return {
    head: current.head,
    staticIds: [...current.staticIds.slice(0, at), ...missing, ...current.staticIds.slice(at)],
    dynamicIds: [...current.dynamicIds, ...missingDynamic],
  };
}

/** The list without our ids. */
export function withoutOurIds(current: SecureFilterList, ours: SecureFilterList): SecureFilterList {
  return {
    head: current.head,
    staticIds: current.staticIds.filter((id) => !ours.staticIds.includes(id)),
    dynamicIds: current.dynamicIds.filter((id) => !ours.dynamicIds.includes(id)),
  };
}

export function containsOurIds(current: SecureFilterList, ours: SecureFilterList): boolean {
  return (
    ours.staticIds.every((id) => current.staticIds.includes(id)) &&
    ours.dynamicIds.every((id) => current.dynamicIds.includes(id))
  );
}

export function sharesAnyId(current: SecureFilterList, ours: SecureFilterList): boolean {
  return (
    ours.staticIds.some((id) => current.staticIds.includes(id)) ||
    ours.dynamicIds.some((id) => current.dynamicIds.includes(id))
  );
}
