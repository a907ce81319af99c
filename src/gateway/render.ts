/** Renders one gateway: its files, and the install and remove scripts that push them. */

import { StackConfig } from "../config/types";
import { RenderedGateway } from "../render/types";
import { gatewayContext } from "./context";
import { renderHealthWaitScript } from "./install-checks";
import { FileEntry, renderInstallScript, renderRemoveScript } from "./install-script";
import { renderKeepalivedConf } from "./keepalived";
import { renderMetricsScript, renderMetricsTimer, renderMetricsUnit } from "./metrics-script";
import { renderRouteMover, renderRouteMoverConfig, renderRouteMoverUnit } from "./route-mover";
import { PATHS } from "./paths";
import { renderNetworkdDropIn } from "./policy-rules";
import { renderProberScript, renderProberUnit } from "./prober";
import {
  renderKeepalivedDropIn,
  renderNftables,
  renderSysctl,
  renderTunnelsUnit,
} from "./system-files";
import { renderTunnelsScript } from "./tunnels-script";

export function renderGateway(config: StackConfig, index: number): RenderedGateway {
  const c = gatewayContext(config, index);
  const files: FileEntry[] = [
    { path: PATHS.sysctl, mode: "0644", content: renderSysctl(c) },
    { path: PATHS.nftables, mode: "0644", content: renderNftables(c) },
    { path: PATHS.networkdDropIn, mode: "0644", content: renderNetworkdDropIn() },
    { path: PATHS.tunnelsScript, mode: "0755", content: renderTunnelsScript(c) },
    { path: PATHS.tunnelsUnit, mode: "0644", content: renderTunnelsUnit(c) },
    { path: PATHS.proberScript, mode: "0755", content: renderProberScript(c) },
    { path: PATHS.proberUnit, mode: "0644", content: renderProberUnit(c) },
    { path: PATHS.routeMoverScript, mode: "0755", content: renderRouteMover() },
    { path: PATHS.routeMoverConfig, mode: "0644", content: renderRouteMoverConfig(c) },
    { path: PATHS.routeMoverUnit, mode: "0644", content: renderRouteMoverUnit(c) },
    { path: PATHS.routeMoverSpareUnit, mode: "0644", content: renderRouteMoverUnit(c, true) },
    { path: PATHS.keepalivedConf, mode: "0640", content: renderKeepalivedConf(c) },
    { path: PATHS.keepalivedDropIn, mode: "0644", content: renderKeepalivedDropIn() },
    { path: PATHS.metricsScript, mode: "0755", content: renderMetricsScript(c) },
    { path: PATHS.metricsUnit, mode: "0644", content: renderMetricsUnit(c) },
    { path: PATHS.metricsTimer, mode: "0644", content: renderMetricsTimer(c) },
  ];
  return {
    index,
    name: c.name,
    privateIp: c.privateIp,
    peerPrivateIp: c.peerPrivateIp,
    tunnelAddress: c.tunnelLocal,
    files: Object.fromEntries(files.map((f) => [f.path, f.content])),
    fileModes: Object.fromEntries(files.map((f) => [f.path, f.mode])),
    installScript: renderInstallScript(c, files),
    removeScript: renderRemoveScript(c, files),
    healthWaitScript: renderHealthWaitScript(c),
  };
}
