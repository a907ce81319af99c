# Sourced by the Amazon Linux 2023 stand-ins (test/support/install-sandbox.ts runs them). Every one appends
# its call to $STANDIN_STATE/calls with the swap files active at that moment, so tests can read the
# order of events. The stand-ins use the real tools by absolute path, never the sandbox PATH.
set -u
state=${STANDIN_STATE:?stand-in: STANDIN_STATE is not set}
PATH=/usr/sbin:/usr/bin:/sbin:/bin
record() { echo "$(basename "$0") $* | swap=$(tr '\n' ' ' < "$state/swaps")" >> "$state/calls"; }
has_line() { grep -qxF -- "$1" "$2" 2>/dev/null; }
