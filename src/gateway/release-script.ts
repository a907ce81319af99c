/**
 * The script a stack's route release runs on a gateway on `pulumi destroy`, as root
 * (components/routeRelease.ts): afterwards no route mover writes a route. keepalived and the
 * resident route movers, the active one and its spare, stop (systemd stops keepalived first: it is
 * ordered after the mover); a mover that systemd could not stop still holds its lock, so the script
 * waits for that lock, at most RELEASE_WAIT_S.
 */
import { RUN_DIR, UNITS } from "./paths";
import { LOCK_FILE_NAME } from "./route-mover";

export const RELEASE_WAIT_S = 60;

export function renderReleaseScript(runDir: string = RUN_DIR): string {
  return [
    "set -u",
    `systemctl stop ${UNITS.keepalived} ${UNITS.routeMover} ${UNITS.routeMoverSpare} || true`,
    `if [ -d ${runDir} ]; then`,
    `  exec 9>>${runDir}/${LOCK_FILE_NAME}`,
    `  timeout ${RELEASE_WAIT_S} flock 9 || echo 'a route mover still holds the lock after ${RELEASE_WAIT_S} s' >&2`,
    "fi",
    "",
  ].join("\n");
}
