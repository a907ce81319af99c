/** The readable plan `rtx --dry-run` prints: what would be sent, in its context, and why not more. */
import type { Summary } from "./client";

/** Lines with the body of each `tunnel select N` block indented under it. */
function indentBlocks(lines: string[]): string[] {
  let inBlock = false;
  return lines.map((line) => {
    if (/^(tunnel|pp) select /.test(line)) {
      inBlock = !/ select none$/.test(line);
      return `    ${line}`;
    }
    return inBlock ? `      ${line}` : `    ${line}`;
  });
}

export function formatPlan(summary: Summary): string {
  const planned = summary.planned ?? [];
  const out = [
    `rtx ${summary.action} on ${summary.host} (dry run: nothing was changed)`,
    planned.length === 0
      ? "  nothing to send: the router already holds the list"
      : `  would send ${planned.length} line(s), then verify and save:`,
    ...indentBlocks(planned),
  ];
  if (summary.stale.length > 0) {
    out.push("  of which these remove what the previous list set and the new one dropped:");
    out.push(...indentBlocks(summary.stale));
  }
  out.push(`  already in place: ${summary.unchanged} line(s)`);
  for (const filter of summary.secureFilter) {
    out.push(`  ${filter.list}: ${filter.outcome} (${filter.note})`);
  }
  for (const skipped of summary.skipped) out.push(`  left alone: ${skipped}`);
  if (summary.unsavedChanges) {
    out.push(
      `  unsaved changes that are not ours would be saved too: ${summary.unsavedChanges.join(", ")}`,
    );
  }
  if (summary.spare) out.push(`  ${summary.spare}`);
  if (summary.bootConfig !== undefined)
    out.push(`  the router boots from saved config ${summary.bootConfig}`);
  return `${out.join("\n")}\n`;
}
