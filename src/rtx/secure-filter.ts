/**
 * `ipv6 <if> secure filter in <ids...> [dynamic <ids...>]` is a list the user owns. Our line
 * means "these ids must be in the list": we insert them at the front (filters match in order,
 * and a user's list usually ends in a reject) and, on removal, take out only our ids.
 */
import { ConfigLine } from "./model";
import { joinTokens } from "./normalize";

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

export function isEmptyList(list: SecureFilterList): boolean {
  return list.staticIds.length === 0 && list.dynamicIds.length === 0;
}

/** The list with our ids at the front (those not already in it), keeping every user entry. */
export function mergeOurIds(
  current: SecureFilterList | null,
  ours: SecureFilterList,
): SecureFilterList {
  if (!current) return ours;
  const missing = ours.staticIds.filter((id) => !current.staticIds.includes(id));
  const missingDynamic = ours.dynamicIds.filter((id) => !current.dynamicIds.includes(id));
  return {
    head: current.head,
    staticIds: [...missing, ...current.staticIds],
    dynamicIds: [...missingDynamic, ...current.dynamicIds],
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

export function containsOurIds(current: SecureFilterList | null, ours: SecureFilterList): boolean {
  if (!current) return false;
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
