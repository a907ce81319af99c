/** Checks across the items of one list, or two lists, reported on the later item. */

import { cidrsOverlap, formatIpv4Cidr, Ipv4Cidr } from "../net/ipv4";
import { ConfigReader } from "./reader";

/** Reports each CIDR of a list that overlaps an earlier one of the same list. */
export function reportOverlapsWithin(r: ConfigReader, path: string, list: Ipv4Cidr[]): void {
  list.forEach((b, j) => {
    const i = list.findIndex((a, k) => k < j && cidrsOverlap(a, b));
    if (i >= 0)
      r.report(`${path}[${j}]`, `${formatIpv4Cidr(b)} overlaps [${i}] ${formatIpv4Cidr(list[i])}`);
  });
}

/** Reports each CIDR of a list that overlaps one of another list. */
export function reportOverlapsAcross(
  r: ConfigReader,
  path: string,
  list: Ipv4Cidr[],
  othersPath: string,
  others: Ipv4Cidr[],
): void {
  list.forEach((a, i) => {
    others.forEach((b, j) => {
      if (cidrsOverlap(a, b))
        r.report(
          `${path}[${i}]`,
          `${formatIpv4Cidr(a)} overlaps ${othersPath}[${j}] ${formatIpv4Cidr(b)}`,
        );
    });
  });
}

export function reportDuplicates(r: ConfigReader, path: string, items: string[]): void {
  items.forEach((item, i) => {
    if (items.indexOf(item) !== i)
      r.report(
        `${path}[${i}]`,
        `duplicates ${path.split(".").pop()}[${items.indexOf(item)}] (${item})`,
      );
  });
}
