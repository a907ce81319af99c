/**
 * The script a stack's route release runs on a gateway on `pulumi destroy`, as root
 * (components/routeRelease.ts): afterwards no route mover writes a route. keepalived and the
 * re-assert timer stop; a mover still at work (a notify child may outlive keepalived's stop)
 * holds the routes lock and gives up once the placeholder address is gone, so the script waits
 * for that lock, at most RELEASE_WAIT_S.
 */
import { RUN_DIR, UNITS } from "./paths";

export const RELEASE_WAIT_S = 60;

export function renderReleaseScript(runDir: string = RUN_DIR): string {
  return [
    "set -u",
    `systemctl stop ${UNITS.reassertTimer} ${UNITS.reassertService} ${UNITS.keepalived} || true`,
    `if [ -d ${runDir} ]; then`,
    `  exec 9>>${runDir}/routes.lock`,
    `  timeout ${RELEASE_WAIT_S} flock 9 || echo 'a route mover still holds the lock after ${RELEASE_WAIT_S} s' >&2`,
    "fi",
    "",
  ].join("\n");
}
