#!/bin/bash
# The route mover's cost per failover against the aws CLI v2's, and the mover under EC2's throttling.
# Everything talks to a stand-in for EC2 and IMDS (lab/aws-standin) on loopback, inside a network and
# mount namespace of its own: 169.254.169.254 is on its lo, and ec2.<region>.amazonaws.com resolves
# to 127.0.0.1 through a hosts file bind-mounted there, so the rendered script and the CLI run
# unchanged, without any wrapper. See docs/route-mover.md for what is measured and how.
#
# Usage: bench/route-mover/run.sh [--runs N] [--latency-ms MS] [--json FILE] [--skip-cli] [--skip-throttle] [--idle-s S]
# Needs: root (or unprivileged user namespaces), node + `npm ci`, python3, curl, util-linux (unshare,
# flock, logger), iproute2, strace, GNU time, openssl, and the aws CLI v2 (`apt-get install awscli`
# on Debian 12) unless --skip-cli.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

missing=()
for tool in node python3 curl unshare flock logger ip strace openssl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (GNU time)")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "missing: ${missing[*]}" >&2
  exit 2
fi

if [ "${VIG_BENCH_NETNS:-}" != 1 ]; then
  userns=()
  [ "$(id -u)" = 0 ] || userns=(--user --map-root-user)
  exec unshare "${userns[@]}" --net --mount --fork env VIG_BENCH_NETNS=1 "$0" "$@"
fi

# Inside the namespaces: nothing below is seen outside them.
mount --make-rprivate /
ip link set lo up
ip addr add 169.254.169.254/32 dev lo
hosts=$(mktemp)
printf '127.0.0.1 localhost\n127.0.0.1 ec2.ap-northeast-1.amazonaws.com\n' > "$hosts"
mount --bind "$hosts" /etc/hosts
cd "$root"
exec node -r ts-node/register/transpile-only bench/route-mover/bench.ts "$@"
