/**
 * Replies to the site follow the tunnel whatever policy rules the image adds. amazon-ec2-net-utils
 * 2.4.0 (Amazon Linux 2023 images of early October 2023) installed, for the primary ENI too,
 * `from <primary IP> lookup 10000` at priority 10000, table 10000 holding a default route out of
 * the ENI: the gateway's own replies to the RTX's keepalive (from its private IP) then left by ens5
 * instead of tun0 and never came back; 2.4.1 stopped adding it for the primary ENI. A rule at a
 * lower priority sends everything for the site to the main table, where the tunnel routes are.
 */

import { fileOf } from "./shell";

/** Below amazon-ec2-net-utils' rule_base (10000): looked up first. */
export const SITE_RULE_PRIORITY = 9000;

/**
 * systemd-networkd removes routing policy rules it did not configure when it (re)configures a
 * link, unless told not to (networkd.conf(5), ManageForeignRoutingPolicyRules=, systemd 249+).
 */
export function renderNetworkdDropIn(): string {
  return fileOf([
    "# vpc-ipip6-gateway: keep the site's policy rules (priority 9000) when networkd reconfigures.",
    "[Network]",
    "ManageForeignRoutingPolicyRules=no",
  ]);
}

/** Bash functions for the tunnels script: the rules converge on SITE_CIDRS; `down` removes ours. */
export const POLICY_RULES_FUNCTIONS = `# Policy rules: every site CIDR looked up in main (tun0's routes) before any image-added rule.
# \`ip rule add\` would add a duplicate, so only missing rules are added and stale ones removed.
site_rules_up() {
  local cidr line have
  have=$(ip -4 rule show pref "$SITE_RULE_PRIORITY")
  for cidr in "\${SITE_CIDRS[@]}"; do
    grep -qF -- "to $cidr lookup main" <<< "$have" || ip -4 rule add pref "$SITE_RULE_PRIORITY" to "$cidr" lookup main
  done
  while read -r line; do
    cidr=$(sed -n 's/.* to \\([0-9./]*\\) lookup main.*/\\1/p' <<< "$line")
    [ -n "$cidr" ] || continue
    [[ " \${SITE_CIDRS[*]} " == *" $cidr "* ]] || ip -4 rule del pref "$SITE_RULE_PRIORITY" to "$cidr" lookup main
  done <<< "$have"
}

site_rules_down() {
  while ip -4 rule del pref "$SITE_RULE_PRIORITY" 2>/dev/null; do :; done
}
`;
