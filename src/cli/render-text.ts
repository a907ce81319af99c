/** The human-readable form of `render`: what a network engineer reviews before `pulumi up`. */

import { RenderedSite } from "../render/types";

export function renderText(site: RenderedSite): string {
  const out: string[] = [
    `# site ${site.site} (${site.mode}): tunnel MTU ${site.tunnel.mtu}, TCP MSS ${site.tunnel.mss}`,
    "",
    `## RTX configuration (RTX keepalive detects a dead tunnel in ${site.rtx.keepaliveDetectionMs} ms)`,
    ...site.rtx.commands,
    "",
    "## RTX removal (pulumi destroy, through `npm run rtx -- remove`)",
    ...site.rtx.removeCommands.flatMap(annotateRemoval),
  ];
  for (const gateway of site.gateways) {
    out.push(
      "",
      `## gateway ${gateway.name}: ${gateway.privateIp}, tunnel address ${gateway.tunnelAddress}`,
    );
    for (const [path, content] of Object.entries(gateway.files)) {
      out.push("", `### ${path} (mode ${gateway.fileModes[path]})`, content.trimEnd());
    }
  }
  return `${out.join("\n")}\n`;
}

/**
 * `no ipv6 <if> secure filter in <id>` stands for "take our id out of the list": the RTX client
 * resolves it against the router's list. Typed by hand, the RTX would drop the whole list.
 */
function annotateRemoval(line: string): string[] {
  const secureFilter = /^no (ipv6 \S+ secure filter \S+) (.+)$/.exec(line);
  if (!secureFilter) return [line];
  return [
    `# only id(s) ${secureFilter[2]} leave the "${secureFilter[1]}" list (the rtx client rewrites the`,
    "# list without them); do not type the next line by hand: the RTX would drop the whole list",
    line,
  ];
}
