/** Renders a whole site stack: both gateways and the RTX (what `render --json` prints). */

import { StackConfig } from "../config/types";
import { renderGateway } from "../gateway/render";
import { renderRtx } from "../rtx/render";
import { tunnelFigures } from "./derived";
import { RenderedSite } from "./types";

export function renderSite(config: StackConfig): RenderedSite {
  return {
    site: config.site.name,
    mode: config.ipv6.mode,
    tunnel: tunnelFigures(config),
    gateways: config.gateways.map((_, i) => renderGateway(config, i)),
    rtx: renderRtx(config),
  };
}
