#!/usr/bin/bash
# Measurements. Probes are ICMP echo requests every 100 ms in each direction, counted where they
# ARRIVE (tcpdump on the receiving host), so each direction is measured one way: a probe from the
# VPC host is only lost when the VPC-to-site path is broken, whatever the return path does.

# Background jobs whose pid gets signalled run `ip netns exec` itself, not the n() function: $! of
# a backgrounded function is a subshell, which ignores SIGINT and would not pass it on.

# probes_start TAG: starts both senders and both receivers.
probes_start() {
  local tag=$1
  ip netns exec site-host tcpdump -Z root -tt -n -l -i eth0 "icmp[icmptype] == icmp-echo and src $VPC_HOST_IP" \
    > "/tmp/$tag.vpcToSite.rx" 2>/dev/null &
  echo $! > "/tmp/$tag.pids"
  ip netns exec vpc-host tcpdump -Z root -tt -n -l -i eth0 "icmp[icmptype] == icmp-echo and src $SITE_HOST_IP" \
    > "/tmp/$tag.siteToVpc.rx" 2>/dev/null &
  echo $! >> "/tmp/$tag.pids"
  sleep 1
  ip netns exec vpc-host ping -n -i 0.1 -W 1 "$SITE_HOST_IP" > "/tmp/$tag.vpcToSite.tx" 2>&1 &
  echo $! > "/tmp/$tag.senders"
  ip netns exec site-host ping -n -i 0.1 -W 1 "$VPC_HOST_IP" > "/tmp/$tag.siteToVpc.tx" 2>&1 &
  echo $! >> "/tmp/$tag.senders"
}

# probes_stop TAG: stops the senders (SIGINT: ping prints its totals), lets the last probes land,
# stops the receivers and sends everything to the host, which works out losses and outages.
probes_stop() {
  local tag=$1 p dir
  for p in $(cat "/tmp/$tag.senders"); do kill -INT "$p"; done
  for p in $(cat "/tmp/$tag.senders"); do wait "$p" 2>/dev/null; done
  sleep 1.2
  for p in $(cat "/tmp/$tag.pids"); do kill -INT "$p"; done
  for p in $(cat "/tmp/$tag.pids"); do wait "$p" 2>/dev/null; done
  for dir in vpcToSite siteToVpc; do
    echo "@@LAB probes $tag $dir sent $(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "/tmp/$tag.$dir.tx")"
    sed "s|^|@@LAB rx $tag $dir |" "/tmp/$tag.$dir.rx"
  done
}

# steady_pings COUNT: plain round-trip pings both ways.
steady_pings() {
  local count=$1
  value ping.vpcToSite "$(n vpc-host ping -n -q -i 0.2 -c "$count" -W 1 "$SITE_HOST_IP" | grep 'packets transmitted')"
  value ping.siteToVpc "$(n site-host ping -n -q -i 0.2 -c "$count" -W 1 "$VPC_HOST_IP" | grep 'packets transmitted')"
}

flush_pmtu() {
  local ns
  for ns in vpc-host site-host; do ip -n "$ns" route flush cache; done
}

# df_passes NS DST SIZE: does an IPv4 packet of SIZE bytes with DF set get an answer?
df_passes() { n "$1" ping -n -q -M do -s $(( $3 - 28 )) -c 1 -W 1 "$2" >/dev/null 2>&1; }

# pmtu_search NS DST MAX: the largest DF packet that crosses, by bisection between 576 and MAX.
pmtu_search() {
  local ns=$1 dst=$2 lo=576 hi=$(( $3 + 1 )) mid
  df_passes "$ns" "$dst" $lo || { echo 0; return; }
  while (( hi - lo > 1 )); do
    mid=$(( (lo + hi) / 2 ))
    if df_passes "$ns" "$dst" $mid; then lo=$mid; else hi=$mid; fi
  done
  echo $lo
}

measure_pmtu() {
  flush_pmtu
  value pmtu.vpcToSite "$(pmtu_search vpc-host "$SITE_HOST_IP" "$VPC_LINK_MTU")"
  value pmtu.siteToVpc "$(pmtu_search site-host "$VPC_HOST_IP" 1500)"
  flush_pmtu
}

# syn_mss NS IFACE FILTER -> starts a capture of one SYN, prints its pid; the MSS lands in FILE.
capture_syn() {
  local ns=$1 ifc=$2 out=$3
  ip netns exec "$ns" tcpdump -Z root -n -l -v -c 1 -i "$ifc" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' > "$out" 2>/dev/null &
  echo $!
}

# tcp_connect FROM_NS TO_NS TO_IP: one short TCP connection (the server is busybox nc).
tcp_connect() {
  sleep 3 | n "$2" nc -l -p 5001 > /dev/null &
  local server=$!
  sleep 0.5
  echo hello | n "$1" nc -w 2 "$3" 5001 > /dev/null 2>&1
  sleep 0.3
  kill "$server" 2>/dev/null
}

mss_of() { grep -o 'mss [0-9]*' "$1" | head -1 | awk '{print $2}'; }

measure_mss() {
  local active=$1 p1 p2 p3
  flush_pmtu
  p1=$(capture_syn site-host eth0 /tmp/syn-at-site)
  p2=$(capture_syn "$active" tun0 /tmp/syn-at-gw)
  sleep 1
  tcp_connect vpc-host site-host "$SITE_HOST_IP"
  sleep 0.5; kill "$p1" "$p2" 2>/dev/null
  p3=$(capture_syn vpc-host eth0 /tmp/syn-at-vpc)
  sleep 1
  tcp_connect site-host vpc-host "$VPC_HOST_IP"
  sleep 0.5; kill "$p3" 2>/dev/null
  value mss.observedAtSite "$(mss_of /tmp/syn-at-site)"
  value mss.observedAtVpc "$(mss_of /tmp/syn-at-vpc)"
  value mss.observedOnGatewayTunnel "$(mss_of /tmp/syn-at-gw)"
}
