#!/usr/bin/env python3
"""Stand-ins for the EC2 Query API and the instance metadata service (IMDSv2), as unkind as the real ones.

Used by the unit tests (loopback), the benchmark (bench/) and the data-plane lab (inside the guest, where
the EC2 side changes the vpc-router namespace's Linux route tables). Python's standard library only, so
the guest needs nothing but Debian's python3.

EC2 side (POST form bodies, API version 2016-11-15): ReplaceRoute, CreateRoute, DescribeRouteTables,
DescribeNetworkInterfaces. Every request's AWS Signature Version 4 is verified here, independently of the
signer (written from AWS's SigV4 documentation and checked against AWS's published test suite: `--check-vectors`).
Errors have EC2's shape (Response/Errors/Error/Code/Message, RequestID) and texts. Throttling is EC2's
token buckets, per account and region and shared by every caller: mutating actions 50 tokens refilled
at 5/s, non-mutating 100 at 20/s; an empty bucket answers 503 RequestLimitExceeded and a throttled request
takes no token. `--latency-ms` adds a per-call service time (uniform +-50 %); `--read-latency-ms`
adds more to the read-only calls (Describe*), which answer slower than a route change in an account
with many resources.

IMDS side: IMDSv2 only (PUT /latest/api/token first; a GET without a valid token is 401), identity chosen
by the caller's source address, as the hypervisor knows which instance asks; it serves the role's
temporary credentials (AccessKeyId, SecretAccessKey, Token, Expiration) the EC2 side accepts. They live
--credential-ttl seconds (6 h by default, as role credentials do) and, like IMDS, it hands out new ones
before the old expire (5 minutes before, or half the lifetime when that is shorter); EC2 refuses expired
ones with 400 RequestExpired "Request has expired.", the answer EC2 gives on expired role credentials.
The stand-in's clock can be moved on (a line "advance SECONDS" on stdin, answered "ok") to let time pass,
and a route changed as the console would ("route TABLE CIDR ENI", or "-" for none; answered "ok").

Every EC2 call is one JSON line in --log (caller, action, route, outcome, whether a route target changed,
when its request line arrived, before its headers were parsed: received, and when it was answered: t).

CloudWatch side (--monitoring, https; the same certificate, which names monitoring.<region>.amazonaws.com
too): PutMetricData only, Query protocol (POST form, API version 2010-08-01), SigV4 with service
"monitoring". Errors have CloudWatch's Query shape (ErrorResponse/Error/Type/Code/Message, RequestId) and
codes: InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, MissingParameter, InvalidParameterValue,
and Throttling "Rate exceeded" beyond --metrics-tps calls a second (PutMetricData's default quota is
500 per second per account and region). Every call is one JSON line in --metrics-log with the raw form
body (datapoints only: the credentials travel in headers), so a reader can decode it with the project's
own parser (src/gateway/metrics.ts); nothing is stored or aggregated here.
"""

import argparse
import datetime
import hashlib
import hmac
import http.server
import json
import os
import random
import re
import secrets
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import uuid

API_VERSION = "2016-11-15"
XMLNS = f"http://ec2.amazonaws.com/doc/{API_VERSION}/"
MUTATING = {"ReplaceRoute", "CreateRoute"}
NON_MUTATING = {"DescribeRouteTables", "DescribeNetworkInterfaces"}
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


# --- SigV4 verification (from AWS's "Signature Version 4 signing process") ---------------------------

def _enc(text):
    return urllib.parse.quote(text, safe="-_.~")


def _canonical_query(query):
    pairs = []
    for part in filter(None, query.split("&")):
        k, _, v = part.partition("=")
        pairs.append((_enc(urllib.parse.unquote_plus(k)), _enc(urllib.parse.unquote_plus(v))))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _canonical_path(path):
    out = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            out and out.pop()
        elif seg != ".":
            out.append(_enc(_enc(urllib.parse.unquote(seg))))
    return "/" + "/".join(out)


def _headers_map(headers):
    """Lower-case names; values trimmed, runs of spaces made one; repeated headers joined by commas."""
    merged = {}
    for name, value in headers:
        merged.setdefault(name.lower(), []).append(re.sub(" +", " ", value.strip()))
    return {k: ",".join(v) for k, v in merged.items()}


def verify_sigv4(method, target, headers, body, lookup, now, region=None, service=None):
    """Returns (None, key) when the request is signed by a known key, else (code, message)."""
    h = _headers_map(headers)
    auth = h.get("authorization")
    if not auth:
        return ("MissingAuthenticationToken", "Request is missing Authentication Token"), None
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return ("IncompleteSignature", "Unsupported AWS 'algorithm'"), None
    fields = dict(f.strip().split("=", 1) for f in auth[len("AWS4-HMAC-SHA256 "):].split(",") if "=" in f)
    cred = fields.get("Credential", "").split("/")
    if len(cred) != 5 or cred[4] != "aws4_request" or "SignedHeaders" not in fields or "Signature" not in fields:
        return ("IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"), None
    akid, date, reg, svc = cred[:4]
    signed = fields["SignedHeaders"].split(";")
    amz_date = h.get("x-amz-date", "")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return ("IncompleteSignature", "X-Amz-Date is missing or malformed"), None
    if amz_date[:8] != date or "host" not in signed or "x-amz-date" not in signed:
        return ("IncompleteSignature", "The host and x-amz-date headers must be signed and match the scope"), None
    if abs((when - now).total_seconds()) > 15 * 60:
        return ("RequestExpired", "Request has expired."), None
    if (region and reg != region) or (service and svc != service):
        return ("AuthFailure", "Credential should be scoped to a valid region and service."), None
    key = lookup(akid)
    if key is None or (key.get("token") is not None and h.get("x-amz-security-token") != key["token"]):
        return ("AuthFailure", "AWS was not able to validate the provided access credentials"), None
    payload = hashlib.sha256(body).hexdigest()
    declared = h.get("x-amz-content-sha256")
    if declared not in (None, "UNSIGNED-PAYLOAD", payload):
        return ("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."), None
    path, _, query = target.partition("?")
    creq = "\n".join([method, _canonical_path(path), _canonical_query(query),
                      *[f"{n}:{h.get(n, '')}" for n in signed], "", ";".join(signed), declared or payload])
    scope = f"{date}/{reg}/{svc}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + key["secret"]).encode()
    for part in (date, reg, svc, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        return ("SignatureDoesNotMatch", SIGNATURE_MISMATCH), None
    return None, key


# --- EC2's token buckets ---------------------------------------------------------------------------

class TokenBucket:
    def __init__(self, capacity, refill_per_s):
        self.capacity, self.rate = capacity, refill_per_s
        self.tokens, self.stamp = float(capacity), time.monotonic()
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


# --- the VPC: route tables, network interfaces ------------------------------------------------------

class RouteNetlink:
    """Linux routes through rtnetlink (rtnetlink(7)): what `ip route replace|del` sends, without
    starting a process per route, which under the lab's emulation cost 50-150 ms while the stand-in
    held its lock: a cost of the stand-in, not of EC2."""

    RTM_NEWROUTE, RTM_DELROUTE, NLMSG_ERROR = 24, 25, 2
    NLM_F_REQUEST, NLM_F_ACK, NLM_F_REPLACE, NLM_F_CREATE = 0x1, 0x4, 0x100, 0x400
    RTA_DST, RTA_GATEWAY, RTA_TABLE = 1, 5, 15
    RTPROT_BOOT, RT_SCOPE_UNIVERSE, RT_SCOPE_NOWHERE, RTN_UNICAST = 3, 0, 255, 1

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.seq = 0

    @staticmethod
    def attr(kind, data):
        size = 4 + len(data)
        return struct.pack("HH", size, kind) + data + b"\0" * (-size % 4)

    def request(self, kind, flags, cidr, table, via=None):
        """0, or the kernel's errno (negative) for the request."""
        net, _, bits = cidr.partition("/")
        if kind == self.RTM_NEWROUTE:
            head = (socket.AF_INET, int(bits), 0, 0, table if table < 256 else 0, self.RTPROT_BOOT,
                    self.RT_SCOPE_UNIVERSE, self.RTN_UNICAST, 0)
        else:
            head = (socket.AF_INET, int(bits), 0, 0, table if table < 256 else 0, 0, self.RT_SCOPE_NOWHERE, 0, 0)
        body = struct.pack("BBBBBBBBI", *head) + self.attr(self.RTA_DST, socket.inet_aton(net))
        body += self.attr(self.RTA_TABLE, struct.pack("I", table))
        if via:
            body += self.attr(self.RTA_GATEWAY, socket.inet_aton(via))
        self.seq += 1
        self.sock.send(struct.pack("IHHII", 16 + len(body), kind, self.NLM_F_REQUEST | self.NLM_F_ACK | flags,
                                   self.seq, 0) + body)
        while True:
            reply = self.sock.recv(65536)
            _, rtype, _, seq, _ = struct.unpack_from("IHHII", reply)
            if rtype == self.NLMSG_ERROR and seq == self.seq:
                return struct.unpack_from("i", reply, 16)[0]

    def replace(self, cidr, via, table):
        return self.request(self.RTM_NEWROUTE, self.NLM_F_CREATE | self.NLM_F_REPLACE, cidr, table, via)

    def delete(self, cidr, table):
        return self.request(self.RTM_DELROUTE, 0, cidr, table)


class Vpc:
    """Route tables as EC2 keeps them; with --backend linux, projected onto Linux tables (the lab)."""

    def __init__(self, state, backend):
        self.state, self.backend = state, backend
        self.routes = {t: dict(state.get("routes", {}).get(t, {})) for t in state["routeTables"]}  # table -> cidr -> eni
        self.installed = {}
        self.lock = threading.Lock()
        self.by_eni = {g["eni"]: g for g in state["gateways"]}
        self.netlink = RouteNetlink() if backend == "linux" else None

    def eni_running(self, eni):
        g = self.by_eni.get(eni)
        if g is None:
            return False
        link = g.get("link")
        if self.backend == "linux" and link:
            try:
                with open(f"/sys/class/net/{link}/operstate") as f:
                    return f.read().strip() in ("up", "unknown")
            except OSError:
                return False
        return g.get("running", True)

    def _project(self, table, cidr):
        """Linux table of the lab: the route via the ENI's address while its link is there."""
        if self.backend != "linux":
            return
        number = self.state["routeTables"][table]
        eni = self.routes[table].get(cidr)
        g = self.by_eni.get(eni)
        link = g and g.get("link")
        ifindex = None
        if link:
            try:
                with open(f"/sys/class/net/{link}/ifindex") as f:
                    ifindex = f.read().strip()
            except OSError:
                ifindex = None
        want = (g["privateIp"], ifindex) if (g and ifindex) else None
        if self.installed.get((table, cidr)) == want:
            return
        if want:
            error = self.netlink.replace(cidr, want[0], number)
            if error:
                print(f"aws-standin: route {cidr} via {want[0]} table {number}: {os.strerror(-error)}",
                      file=sys.stderr)
        else:
            self.netlink.delete(cidr, number)  # gone already is as good
        self.installed[(table, cidr)] = want

    def resync(self):
        """A gateway that came back (new link) gets its routes back, as EC2's routes outlive a stop."""
        with self.lock:
            for table, routes in self.routes.items():
                for cidr in routes:
                    self._project(table, cidr)

    def set_route(self, table, cidr, eni, create):
        with self.lock:
            exists = cidr in self.routes[table]
            if create and exists:
                return ("RouteAlreadyExists", f"The route identified by {cidr} already exists."), False
            if not create and not exists:
                return ("InvalidParameterValue",
                        f"There is no route defined for '{cidr}' in the route table. Use CreateRoute instead."), False
            moved = self.routes[table].get(cidr) != eni
            self.routes[table][cidr] = eni
            self._project(table, cidr)
            return None, moved


# --- HTTP ------------------------------------------------------------------------------------------

def stamp(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def xml_escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def error_xml(code, message, request_id):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{xml_escape(message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")


CW_XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/"
CW_VERSION = "2010-08-01"
# CloudWatch's standard units (PutMetricData's MetricDatum.Unit).
CW_UNITS = {"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
            "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
            "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
            "Count/Second", "None"}
# The Query protocol's auth failures as CloudWatch (an IAM-signed Query service) names them.
CW_AUTH = {"AuthFailure": ("InvalidClientTokenId", "The security token included in the request is invalid."),
           "RequestExpired": ("ExpiredToken", "The security token included in the request is expired")}
CW_STATUS = {"InvalidClientTokenId": 403, "SignatureDoesNotMatch": 403, "ExpiredToken": 403,
             "IncompleteSignature": 400, "MissingAuthenticationToken": 403, "Throttling": 400,
             "InternalServiceError": 500}


def cw_error_xml(code, message, request_id):
    kind = "Receiver" if code == "InternalServiceError" else "Sender"
    return (f'<ErrorResponse xmlns="{CW_XMLNS}">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n'
            f"    <Message>{xml_escape(message)}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n")


def check_metric_data(form, now):
    """PutMetricData's own validation: (code, message) or None. Timestamps up to two weeks old and two
    hours ahead are accepted, as CloudWatch does."""
    ns = form.get("Namespace")
    if not ns:
        return ("MissingParameter", "The parameter Namespace is required.")
    if ns.startswith("AWS/"):
        return ("InvalidParameterValue", f"The value {ns} for parameter Namespace is invalid.")
    if "MetricData.member.1.MetricName" not in form:
        return ("MissingParameter", "The parameter MetricData is required.")
    i = 1
    while f"MetricData.member.{i}.MetricName" in form:
        m = f"MetricData.member.{i}"
        value, unit, ts = form.get(f"{m}.Value"), form.get(f"{m}.Unit", "None"), form.get(f"{m}.Timestamp")
        if unit not in CW_UNITS:
            return ("InvalidParameterValue", f"The parameter {m}.Unit must be a value in the set {sorted(CW_UNITS)}.")
        try:
            float(value)
        except (TypeError, ValueError):
            return ("InvalidParameterValue", f"The parameter {m}.Value must be a number.")
        if ts:
            try:
                when = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
            except ValueError:
                return ("InvalidParameterValue", f"The parameter {m}.Timestamp must be an ISO 8601 date.")
            age = (now - when).total_seconds()
            if age > 14 * 86400 or age < -2 * 3600:
                return ("InvalidParameterValue", f"The parameter {m}.Timestamp must specify a time no more than two weeks in the past and no more than two hours in the future.")
        i += 1
    return None


ERROR_STATUS = {"AuthFailure": 401, "SignatureDoesNotMatch": 403, "IncompleteSignature": 400,
                "MissingAuthenticationToken": 401, "RequestExpired": 400, "RequestLimitExceeded": 503,
                "InternalError": 500, "XAmzContentSHA256Mismatch": 400}


class Standin:
    def __init__(self, args):
        with open(args.state) as f:
            self.state = json.load(f)
        self.args = args
        self.vpc = Vpc(self.state, args.backend)
        self.mutating = TokenBucket(args.bucket, args.refill)
        self.reading = TokenBucket(args.bucket * 2, args.refill * 4)
        self.imds_tokens = {}
        self.cw_rate = TokenBucket(args.metrics_tps, args.metrics_tps)
        self.log_lock = threading.Lock()
        self.offset = 0.0
        self.keys = {}  # access key id -> secret, token, gateway, expiry (stand-in clock)
        self.current = {}  # gateway name -> its newest credentials
        self.creds_lock = threading.Lock()
        for g in self.state["gateways"]:
            self.issue(g, 0)

    def now(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += seconds

    def issue(self, g, generation):
        """Generation 0 is the state file's credentials; later ones are derived from them."""
        suffix = f"{generation:04d}" if generation else ""
        key = {"id": g["accessKeyId"][:20 - len(suffix)] + suffix,
               "secret": g["secretAccessKey"] + (f"/{generation}" if generation else ""),
               "token": g["sessionToken"] + suffix, "gw": g, "generation": generation,
               "issued": self.now(), "expires": self.now() + self.args.credential_ttl}
        self.keys[key["id"]] = self.current[g["name"]] = key
        return key

    def credentials(self, g):
        """What IMDS serves now: new credentials once the current ones are close to expiring."""
        with self.creds_lock:
            key = self.current[g["name"]]
            if self.now() >= key["expires"] - min(300, self.args.credential_ttl / 2):
                key = self.issue(g, key["generation"] + 1)
            return key

    def log(self, entry, path=None):
        path = path or self.args.log
        if not path:
            return
        entry["t"] = round(time.time(), 4)
        with self.log_lock, open(path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    # CloudWatch
    def monitoring(self, handler, body):
        received = getattr(handler, "arrived", None) or time.time()
        rid = str(uuid.uuid4())
        now = datetime.datetime.fromtimestamp(self.now(), datetime.timezone.utc)
        err, key = verify_sigv4(handler.command, handler.path, list(handler.headers.items()), body, self.keys.get,
                                now, self.state["region"], "monitoring")
        if err is None and self.now() >= key["expires"]:
            err = ("RequestExpired", "")
        if err is not None and err[1].startswith("Credential should be scoped"):
            err = ("SignatureDoesNotMatch", "Credential should be scoped to correct service: 'monitoring'. ")
        elif err is not None and err[0] in CW_AUTH:
            err = CW_AUTH[err[0]]
        text = body.decode("utf-8", "replace")
        form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        action = form.get("Action", "")
        if err is None and handler.command != "POST":
            err = ("InvalidAction", "The lab's stand-in takes POST form bodies only.")
        if err is None and action != "PutMetricData":
            err = ("InvalidAction", f"Could not find operation {action} for version {form.get('Version')}")
        if err is None and form.get("Version") != CW_VERSION:
            err = ("InvalidParameterValue", f"Version '{form.get('Version')}' is not supported by the lab's stand-in.")
        if err is None:
            err = check_metric_data(form, now)
        if err is None and not self.cw_rate.take():
            err = ("Throttling", "Rate exceeded")
        status = CW_STATUS.get(err[0], 400) if err else 200
        self.log({"caller": key["gw"]["name"] if key else None, "action": action, "status": status,
                  "code": err[0] if err else None, "received": round(received, 4), "body": text},
                 self.args.metrics_log)
        if err:
            return status, cw_error_xml(err[0], err[1], rid)
        return 200, (f'<PutMetricDataResponse xmlns="{CW_XMLNS}">\n  <ResponseMetadata>\n'
                     f"    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</PutMetricDataResponse>\n")

    # EC2
    def ec2(self, handler, body):
        received = getattr(handler, "arrived", None) or time.time()
        rid = str(uuid.uuid4())
        if self.args.latency_ms:
            time.sleep(self.args.latency_ms * random.uniform(0.5, 1.5) / 1000)
        if self.args.read_latency_ms and b"Action=Describe" in body:
            time.sleep(self.args.read_latency_ms / 1000)
        headers = list(handler.headers.items())
        err, key = verify_sigv4(handler.command, handler.path, headers, body, self.keys.get,
                                datetime.datetime.fromtimestamp(self.now(), datetime.timezone.utc),
                                self.state["region"], "ec2")
        if err is None and self.now() >= key["expires"]:
            err = ("RequestExpired", "Request has expired.")
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = form.get("Action", "")
        entry = {"caller": key["gw"]["name"] if key else None, "action": action,
                 "table": form.get("RouteTableId"), "cidr": form.get("DestinationCidrBlock"),
                 "eni": form.get("NetworkInterfaceId")}
        if err is None and handler.command != "POST":
            err = ("InvalidAction", "The lab's stand-in takes POST form bodies only.")
        if err is None and form.get("Version") != API_VERSION:
            err = ("InvalidParameterValue", f"Version '{form.get('Version')}' is not supported by the lab's stand-in.")
        if err is None:
            bucket = self.mutating if action in MUTATING else self.reading if action in NON_MUTATING else None
            if bucket is None:
                err = ("InvalidAction", f"The action {action} is not valid for this web service.")
            elif not bucket.take():
                err = ("RequestLimitExceeded", "Request limit exceeded.")
        moved = False
        if err is None:
            err, reply, moved = self.act(action, form, rid)
        entry.update(status=ERROR_STATUS.get(err[0], 400) if err else 200, code=err[0] if err else None, moved=moved,
                     received=round(received, 4))
        self.log(entry)
        if err:
            return entry["status"], error_xml(err[0], err[1], rid)
        return 200, reply

    def act(self, action, form, rid):
        self.vpc.resync()
        if action in MUTATING:
            table, cidr, eni = form.get("RouteTableId"), form.get("DestinationCidrBlock"), form.get("NetworkInterfaceId")
            if not table or not cidr:
                return ("MissingParameter", "The request must contain the parameter routeTableId and destinationCidrBlock"), None, False
            if table not in self.vpc.routes:
                return ("InvalidRouteTableID.NotFound", f"The routeTable ID '{table}' does not exist"), None, False
            if eni not in self.vpc.by_eni:
                return ("InvalidNetworkInterfaceID.NotFound", f"The networkInterface ID '{eni}' does not exist"), None, False
            err, moved = self.vpc.set_route(table, cidr, eni, action == "CreateRoute")
            if err:
                return err, None, False
            return None, (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{XMLNS}">\n'
                          f"    <requestId>{rid}</requestId>\n    <return>true</return>\n</{action}Response>"), moved
        if action == "DescribeRouteTables":
            return self.describe_route_tables(form, rid)
        return self.describe_network_interfaces(form, rid)

    def describe_route_tables(self, form, rid):
        wanted = [v for k, v in sorted(form.items()) if k.startswith("RouteTableId.")] or list(self.vpc.routes)
        for t in wanted:
            if t not in self.vpc.routes:
                return ("InvalidRouteTableID.NotFound", f"The route table ID '{t}' does not exist"), None, False
        out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeRouteTablesResponse xmlns="{XMLNS}">',
               f"    <requestId>{rid}</requestId>", "    <routeTableSet>"]
        for t in wanted:
            out += ["        <item>", f"            <routeTableId>{t}</routeTableId>",
                    f"            <vpcId>{self.state['vpcId']}</vpcId>", f"            <ownerId>{self.state['accountId']}</ownerId>",
                    "            <routeSet>"]
            for cidr in self.state.get("vpcCidrs", []):
                out += ["                <item>", f"                    <destinationCidrBlock>{cidr}</destinationCidrBlock>",
                        "                    <gatewayId>local</gatewayId>", "                    <state>active</state>",
                        "                    <origin>CreateRouteTable</origin>", "                </item>"]
            for cidr, eni in sorted(self.vpc.routes[t].items()):
                g = self.vpc.by_eni[eni]
                state = "active" if self.vpc.eni_running(eni) else "blackhole"
                out += ["                <item>", f"                    <destinationCidrBlock>{cidr}</destinationCidrBlock>",
                        f"                    <instanceId>{g['instanceId']}</instanceId>",
                        f"                    <instanceOwnerId>{self.state['accountId']}</instanceOwnerId>",
                        f"                    <networkInterfaceId>{eni}</networkInterfaceId>",
                        f"                    <state>{state}</state>", "                    <origin>CreateRoute</origin>",
                        "                </item>"]
            out += ["            </routeSet>", "            <associationSet/>", "            <propagatingVgwSet/>",
                    "            <tagSet/>", "        </item>"]
        out += ["    </routeTableSet>", "</DescribeRouteTablesResponse>"]
        return None, "\n".join(out), False

    def describe_network_interfaces(self, form, rid):
        filters = {}
        for k, v in form.items():
            if k.startswith("Filter.") and k.endswith(".Name"):
                n = k.split(".")[1]
                filters[v] = [fv for fk, fv in form.items() if fk.startswith(f"Filter.{n}.Value.")]
        ids = [v for k, v in form.items() if k.startswith("NetworkInterfaceId.")]
        for i in ids:
            if i not in self.vpc.by_eni:
                return ("InvalidNetworkInterfaceID.NotFound", f"The networkInterface ID '{i}' does not exist"), None, False
        known = {"addresses.private-ip-address": "privateIp", "private-ip-address": "privateIp",
                 "network-interface-id": "eni", "vpc-id": None}
        for name in filters:
            if name not in known:
                return ("InvalidParameterValue", f"The filter '{name}' is invalid"), None, False
        out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeNetworkInterfacesResponse xmlns="{XMLNS}">',
               f"    <requestId>{rid}</requestId>", "    <networkInterfaceSet>"]
        for g in self.state["gateways"]:
            if ids and g["eni"] not in ids:
                continue
            if any((g[known[n]] if known[n] else self.state["vpcId"]) not in vals for n, vals in filters.items()):
                continue
            out += ["        <item>", f"            <networkInterfaceId>{g['eni']}</networkInterfaceId>",
                    f"            <vpcId>{self.state['vpcId']}</vpcId>",
                    f"            <privateIpAddress>{g['privateIp']}</privateIpAddress>",
                    f"            <attachment><instanceId>{g['instanceId']}</instanceId><deviceIndex>0</deviceIndex></attachment>",
                    "        </item>"]
        out += ["    </networkInterfaceSet>", "</DescribeNetworkInterfacesResponse>"]
        return None, "\n".join(out), False

    # IMDS
    def imds(self, handler):
        g = next((g for g in self.state["gateways"] if g.get("sourceIp") == handler.client_address[0]), None)
        status, text = self.imds_answer(handler, g)
        self.log({"imds": handler.path, "method": handler.command, "caller": g and g["name"], "status": status})
        return status, text

    def imds_answer(self, handler, g):
        if g is None:
            return 404, "Not Found"
        path = handler.path
        if path == "/latest/api/token":
            if handler.command != "PUT":
                return 405, ""
            if handler.headers.get("X-Forwarded-For"):
                return 403, ""
            try:
                ttl = int(handler.headers.get("X-aws-ec2-metadata-token-ttl-seconds", ""))
            except ValueError:
                return 400, ""
            if not 1 <= ttl <= 21600:
                return 400, ""
            token = secrets.token_urlsafe(40)
            self.imds_tokens[token] = (g["name"], self.now() + ttl)
            return 200, token
        name, expires = self.imds_tokens.get(handler.headers.get("X-aws-ec2-metadata-token", ""), (None, 0))
        if name != g["name"] or self.now() > expires:
            return 401, ""
        role = g["role"]
        macs = f"/latest/meta-data/network/interfaces/macs/{g['mac']}/"
        key = self.credentials(g) if path == f"/latest/meta-data/iam/security-credentials/{role}" else None
        answers = {
            "/latest/meta-data/placement/region": self.state["region"],
            "/latest/meta-data/mac": g["mac"],
            "/latest/meta-data/instance-id": g["instanceId"],
            "/latest/meta-data/local-ipv4": g["privateIp"],
            macs + "interface-id": g["eni"],
            macs + "vpc-id": self.state["vpcId"],
            "/latest/meta-data/iam/security-credentials/": role,
            # the partition's domain, which the gateways build service endpoints from
            "/latest/meta-data/services/domain": "amazonaws.com",
        }
        if key:
            answers[path] = json.dumps({
                "Code": "Success", "LastUpdated": stamp(key["issued"]), "Type": "AWS-HMAC",
                "AccessKeyId": key["id"], "SecretAccessKey": key["secret"], "Token": key["token"],
                "Expiration": stamp(key["expires"])}, indent=2)
        return (200, answers[path]) if path in answers else (404, "Not Found")


def make_handler(standin, kind):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = {"ec2": "AmazonEC2", "monitoring": "Server"}.get(kind, "EC2ws")

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if kind == "ec2":
                status, text = standin.ec2(self, body)
            elif kind == "monitoring":
                status, text = standin.monitoring(self, body)
            else:
                status, text = standin.imds(self)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", {"ec2": "text/xml;charset=UTF-8", "monitoring": "text/xml"}.get(kind, "text/plain"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = handle_any

        def parse_request(self):
            # the request line has just been read: the request has reached the endpoint; parsing its
            # headers (Python's email parser, tens of ms under the lab's emulation) is the service's
            self.arrived = time.time()
            return super().parse_request()

        def log_message(self, *args):
            pass

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    tls = None

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls:
            # the TLS handshake in the request's own thread, as a real endpoint's many front ends do
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):
        if self.tls:
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def serve(standin, kind, where, tls):
    host, _, port = where.rpartition(":")
    server = Server((host, int(port)), make_handler(standin, kind))
    if tls:
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(*tls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def check_vectors():
    """Reads [{request, secret, token, now, expect}] from stdin; prints one verdict code per case."""
    for case in json.load(sys.stdin):
        head, _, body = case["request"].partition("\n\n")
        line, *lines = head.split("\n")
        method, target = line.split(" ")[:2]
        headers = [tuple(x.split(":", 1)) for x in lines if ":" in x]
        key = {"secret": case["secret"], "token": case.get("token")}
        now = datetime.datetime.fromisoformat(case["now"].replace("Z", "+00:00"))
        err, _ = verify_sigv4(method, target, headers, body.encode(), lambda a, k=key: k, now)
        print(err[0] if err else "ok")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--state", help="JSON: region, accountId, vpcId, vpcCidrs, routeTables, gateways")
    p.add_argument("--ec2", help="HOST:PORT for the EC2 endpoint (port 0: any; printed)")
    p.add_argument("--imds", help="HOST:PORT for the metadata service")
    p.add_argument("--monitoring", help="HOST:PORT for the CloudWatch endpoint (https with --tls-cert)")
    p.add_argument("--metrics-log", help="JSON lines: every PutMetricData call with its form body")
    p.add_argument("--metrics-tps", type=float, default=500, help="PutMetricData calls a second before Throttling")
    p.add_argument("--tls-cert"), p.add_argument("--tls-key")
    p.add_argument("--backend", choices=["memory", "linux"], default="memory")
    p.add_argument("--latency-ms", type=float, default=0)
    p.add_argument("--read-latency-ms", type=float, default=0)
    p.add_argument("--bucket", type=int, default=50)
    p.add_argument("--refill", type=float, default=5)
    p.add_argument("--credential-ttl", type=float, default=6 * 3600, help="lifetime of role credentials, s")
    p.add_argument("--log")
    p.add_argument("--check-vectors", action="store_true")
    args = p.parse_args()
    if args.check_vectors:
        return check_vectors()
    standin = Standin(args)
    ports = {}
    if args.ec2:
        tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
        ports["ec2"] = serve(standin, "ec2", args.ec2, tls)
    if args.monitoring:
        tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
        ports["monitoring"] = serve(standin, "monitoring", args.monitoring, tls)
    if args.imds:
        ports["imds"] = serve(standin, "imds", args.imds, None)
    print(json.dumps(ports), flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["advance"] and len(words) == 2:
            standin.advance(float(words[1]))
            print("ok", flush=True)
        elif words[:1] == ["route"] and len(words) == 4:
            # "route TABLE CIDR ENI|-": a change made outside the gateways (the console, Pulumi)
            with standin.vpc.lock:
                if words[3] == "-":
                    standin.vpc.routes[words[1]].pop(words[2], None)
                else:
                    standin.vpc.routes[words[1]][words[2]] = words[3]
                standin.vpc._project(words[1], words[2])
            print("ok", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
