/**
 * What the RTX console makes of a command's first words, as far as a configuration list cares:
 * which commands belong to a selected interface (`tunnel select N` / `pp select N`), which are
 * operations that have no place in a list, and which words can start a configuration line at
 * all (to tell a wrapped `show config` line from the next setting). Sources: the chapter and
 * command index of YAMAHA's RTX command reference (Rev.23.02.02); see docs/rtx.md.
 */

/** Commands (by leading words) that act on the interface `tunnel select` / `pp select` chose. */
const CONTEXT_COMMANDS: Record<string, string[][]> = {
  tunnel: [
    ["description", "tunnel"],
    ["tunnel", "encapsulation"],
    ["tunnel", "endpoint"],
    ["tunnel", "backward-compatibility"],
    ["tunnel", "ngn"],
    ["tunnel", "template"],
    ["ip", "tunnel"],
    ["ipv6", "tunnel"],
    ["ipsec", "tunnel"],
    ["l2tp"],
  ],
  pp: [
    ["description", "pp"],
    ["pp", "bind"],
    ["pp", "auth"],
    ["pp", "always-on"],
    ["pp", "keepalive"],
    ["pppoe"],
    ["ppp"],
    ["ip", "pp"],
    ["ipv6", "pp"],
  ],
};

/**
 * Operations, not settings: sent from a list they would save, leave administrator mode, restart
 * the router, or print output that the client would take for a refusal.
 */
const OPERATIONS: Record<string, string> = {
  save: "the client saves by itself, and only after it has verified the change",
  administrator: "the client enters administrator mode by itself",
  exit: "it would leave administrator mode in the middle of the change",
  quit: "it would leave administrator mode in the middle of the change",
  restart: "it restarts the router",
  cold: "it would reset the router to factory settings",
  reboot: "it restarts the router",
  console: "the client sets the console it needs and puts the user's console settings back",
  show: "it prints output; a configuration list only holds settings",
  copy: "it copies configuration files; use the client's --backup-config option",
  delete: "it deletes files on the router",
  "set-default-config": "it changes which saved configuration the router boots from",
  clear: "it is an operation, not a setting",
  ping: "it is an operation, not a setting",
  ping6: "it is an operation, not a setting",
  traceroute: "it is an operation, not a setting",
  traceroute6: "it is an operation, not a setting",
  telnet: "it is an operation, not a setting",
  ssh: "it is an operation, not a setting",
  connect: "it is an operation, not a setting",
  disconnect: "it is an operation, not a setting",
  date: "it sets the clock, not the configuration",
  time: "it sets the clock, not the configuration",
  execute: "it is an operation, not a setting",
};

/**
 * First words of configuration commands (the command index of the reference), plus `no`. A
 * physical `show config` line that starts with one of these may be a new setting; one that
 * does not (a digit, `dynamic`, the middle of a word) can only continue the line before it.
 */
const COMMAND_HEADS = new Set([
  "account",
  "administrator",
  "airlink",
  "alarm",
  "analog",
  "ap",
  "arp",
  "auth",
  "bgp",
  "bridge",
  "cooperation",
  "console",
  "dashboard",
  "description",
  "dhcp",
  "dns",
  "dpi",
  "e-mail",
  "ethernet",
  "external-memory",
  "fast-path",
  "hardware",
  "heartbeat",
  "heartbeat2",
  "http",
  "httpd",
  "ip",
  "ipsec",
  "ipv6",
  "isdn",
  "l2tp",
  "lan",
  "lan-map",
  "leased",
  "line",
  "lldp",
  "login",
  "lua",
  "mail",
  "mobile",
  "nat",
  "netvolante-dns",
  "ngn",
  "no",
  "ntp",
  "ntpdate",
  "operation",
  "ospf",
  "pki",
  "pp",
  "ppp",
  "pppoe",
  "pptp",
  "provider",
  "pw",
  "radius",
  "remote",
  "rip",
  "rip6",
  "schedule",
  "security",
  "sftpd",
  "snapshot",
  "snmp",
  "snmpv6",
  "sntpd",
  "speed",
  "sshd",
  "statistics",
  "status-led",
  "switch",
  "syslog",
  "system",
  "tcp",
  "telnetd",
  "tftp",
  "timezone",
  "tunnel",
  "upnp",
  "url",
  "usbhost",
  "user",
  "vlan",
  "vrrp",
  "wan",
  "wins",
  "wlan",
  "yno",
]);

function startsWith(tokens: string[], words: string[]): boolean {
  return words.every((word, i) => tokens[i]?.toLowerCase() === word);
}

/** The interface kind a command needs selected ("tunnel", "pp"), or null for a global command. */
export function contextKindOf(tokens: string[]): string | null {
  const body = tokens[0]?.toLowerCase() === "no" ? tokens.slice(1) : tokens;
  for (const [kind, shapes] of Object.entries(CONTEXT_COMMANDS)) {
    if (shapes.some((shape) => startsWith(body, shape))) return kind;
  }
  return null;
}

/** Why a line cannot be part of a configuration list, or null when it can. */
export function operationReason(tokens: string[]): string | null {
  const body = tokens[0]?.toLowerCase() === "no" ? tokens.slice(1) : tokens;
  const head = body[0]?.toLowerCase() ?? "";
  return Object.prototype.hasOwnProperty.call(OPERATIONS, head) ? OPERATIONS[head] : null;
}

/** Whether a physical line (without its indentation) could begin a configuration setting. */
export function mayStartSetting(text: string): boolean {
  if (text.startsWith("#")) return true;
  const word = /^([a-z][a-z0-9-]*)(\s|$)/i.exec(text);
  return word !== null && COMMAND_HEADS.has(word[1].toLowerCase());
}
