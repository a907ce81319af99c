import { createHash } from "crypto";

/** The two actions the bundle accepts as its first argument. */
export type BundleAction = "install" | "remove";

/** The command each action runs on the gateway; the bundle arrives on stdin. */
export function bundleCommand(action: BundleAction): string {
  return `sudo bash -s -- ${action}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function quotedHeredoc(target: string, body: string, delimiter: string): string {
  const text = body.endsWith("\n") ? body : `${body}\n`;
  if (text.split("\n").includes(delimiter)) {
    throw new Error(`configuration bundle: the script contains the heredoc delimiter ${delimiter}`);
  }
  return `cat >"${target}" <<'${delimiter}'\n${text}${delimiter}\n`;
}

/**
 * One bash script that carries both the install and the remove script of a gateway.
 *
 * Why a bundle: @pulumi/command keeps a single `stdin` for create, update and delete (the
 * provider replays the stored stdin on delete), so the remove script cannot be sent as a
 * different stdin. The bundle writes both scripts verbatim to a private temporary directory
 * and runs the one named by its argument with stdin closed, so nothing they run can swallow
 * the rest of the script. Install first waits for cloud-init: the first push may arrive while
 * the instance is still finishing its first boot. The wait is bounded (CLOUD_INIT_WAIT_S): a
 * cloud-init that never finishes must fail the push with the install's own checks, not hang it.
 */
/** How long install waits for the first boot's cloud-init (AL2023 finishes in well under a minute). */
export const CLOUD_INIT_WAIT_S = 600;

export function bundleGatewayScripts(
  gatewayName: string,
  installScript: string,
  removeScript: string,
): string {
  const tag = sha256Hex(`${installScript}\0${removeScript}`).slice(0, 16);
  return [
    "#!/bin/bash",
    `# vpc-ipip6-gateway: configuration of ${gatewayName}. Run as root: bash -s -- install|remove`,
    "set -euo pipefail",
    'action="${1:-}"',
    'case "$action" in',
    "  install | remove) ;;",
    '  *) echo "usage: bash -s -- install|remove" >&2; exit 2 ;;',
    "esac",
    'workdir="$(mktemp -d)"',
    "trap 'rm -rf \"$workdir\"' EXIT",
    quotedHeredoc("$workdir/install.sh", installScript, `VIG_INSTALL_${tag}`) +
      quotedHeredoc("$workdir/remove.sh", removeScript, `VIG_REMOVE_${tag}`),
    'if [ "$action" = install ] && command -v cloud-init >/dev/null 2>&1; then',
    `  timeout ${CLOUD_INIT_WAIT_S} cloud-init status --wait >/dev/null 2>&1 || true`,
    "fi",
    'bash "$workdir/$action.sh" </dev/null',
    "",
  ].join("\n");
}
