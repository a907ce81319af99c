/**
 * The VRRP record `npm run status` reads: the route mover (route-mover.py) writes the state and the
 * last transitions to /run/vpc-ipip6-gateway/vrrp.json at each line keepalived writes to its FIFO.
 */

export const VRRP_STATE_FILE_NAME = "vrrp.json";
/** One JSON object a line, newest last: the source of vrrp.json's transitions. */
export const VRRP_HISTORY_FILE_NAME = "vrrp-transitions";
export const VRRP_HISTORY = 10;
