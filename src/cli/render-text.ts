/** The human-readable form of `render`: what a network engineer reviews before `pulumi up`. */

import { RenderedSite } from "../render/types";

export function renderText(site: RenderedSite): string {
  const out: string[] = [
    `# site ${site.site} (${site.mode}): tunnel MTU ${site.tunnel.mtu}, TCP MSS ${site.tunnel.mss}`,
    "",
    `## RTX configuration (RTX keepalive detects a dead tunnel in ${site.rtx.keepaliveDetectionMs} ms)`,
    ...site.rtx.commands,
    "",
    "## RTX removal (pulumi destroy)",
    ...site.rtx.removeCommands,
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
