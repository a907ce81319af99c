/** The human-readable form of `render`: what a network engineer reviews before `pulumi up`. */

import { RenderedSite } from "../render/types";

export function renderText(site: RenderedSite): string {
  const out: string[] = [
    `# site ${site.site} (${site.mode}): tunnel MTU ${site.tunnel.mtu}, TCP MSS ${site.tunnel.mss}`,
    ...(site.tunnel.cappedFrom
      ? [
          `# (the path would carry ${site.tunnel.cappedFrom}; both ends get ${site.tunnel.mtu}, the ` +
            "largest `ip tunnel mtu` an RTX takes)",
        ]
      : []),
    "",
    `## RTX configuration (RTX keepalive detects a dead tunnel in ${site.rtx.keepaliveDetectionMs}–` +
      `${site.rtx.keepaliveDetectionMs + site.rtx.keepaliveIntervalMs} ms: interval × count, and up` +
      " to one interval more, as the failure can fall anywhere between two probes)",
    ...site.rtx.commands.flatMap(annotateCommand),
    "",
    "## RTX removal: what `npm run rtx -- remove` derives from the list above (pulumi destroy).",
    "## Not a file to feed it: remove takes the configuration list itself.",
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
 * Our secure filter line stands for "our id in the router's own list": the client merges it in
 * before the list's reject-all entry and keeps every user entry, and creates no list where there
 * is none. Typed by hand it would replace the whole list.
 */
function annotateCommand(line: string): string[] {
  const secureFilter = /^(ipv6 \S+ secure filter \S+) (.+)$/.exec(line);
  if (!secureFilter) return [line];
  return [
    `# the rtx client merges id(s) ${secureFilter[2]} into the router's own "${secureFilter[1]}" list`,
    "# (before its reject-all entry, every user entry kept; no list is created where there is none);",
    "# do not type the next line by hand: the RTX would replace the whole list with it",
    line,
  ];
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
