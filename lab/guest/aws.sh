#!/usr/bin/bash
# The EC2 Query API and the instance metadata service: lab/aws-standin/aws_standin.py under Debian's
# python3, in the vpc-router namespace, with the linux backend (a route table is a Linux table
# there). IMDS answers on 169.254.169.254:80 and tells the gateways apart by source address; EC2
# answers https on the address /etc/hosts gives ec2.<region>.amazonaws.com (an interface endpoint's
# private address in the VPC), with EC2's token buckets (50 mutating calls, 5 more a second).
# CloudWatch (PutMetricData) answers https on the address /etc/hosts gives monitoring.<region>.amazonaws.com.
# Every EC2 call is one JSON line in /lab/log/aws-calls.jsonl, every PutMetricData one in
# /lab/log/metrics-calls.jsonl (with its form body); its stderr goes to aws-standin.log.
# It runs at nice -10: it stands for services on AWS's own machines, which the gateways never
# compete with for CPU. At nice 0 its read of a failover's first request waited up to 146 ms
# behind the crashed gateway's teardown on the same emulated CPUs.

aws_start() {
  ip -n vpc-router addr add "$IMDS_IP/32" dev lo
  ip -n vpc-router addr add "$EC2_ENDPOINT_IP/32" dev lo
  ip -n vpc-router addr add "$MONITORING_ENDPOINT_IP/32" dev lo
  local t0
  t0=$(now)
  mkfifo /tmp/aws-ports
  ip netns exec vpc-router nice -n -10 python3 -I -S "$STANDIN" --state "$STANDIN_DIR/state.json" --backend linux \
    --ec2 "$EC2_ENDPOINT_IP:443" --imds "$IMDS_IP:80" --monitoring "$MONITORING_ENDPOINT_IP:443" \
    --tls-cert "$STANDIN_DIR/ec2.pem" --tls-key "$STANDIN_DIR/ec2.key" \
    --log /lab/log/aws-calls.jsonl --metrics-log /lab/log/metrics-calls.jsonl < /dev/null > /tmp/aws-ports 2>> /lab/log/aws-standin.log &
  AWS_PID=$!
  local ports=
  read -r -t 60 ports < /tmp/aws-ports
  if [ -z "$ports" ]; then
    warn "the EC2/IMDS stand-in did not start (see aws-standin.log)"
    dump_file aws-standin.log /lab/log/aws-standin.log
    return 1
  fi
  value aws.startMs "$(elapsed_ms "$t0")"
  progress "EC2/IMDS stand-in listening ($ports) after $(elapsed_ms "$t0") ms"
}
