#!/usr/bin/python3
"""vpc-ipip6-gateway: the resident route mover of one gateway (docs/route-mover.md).

One long-lived process, started at boot by its systemd unit. It keeps the instance identity and the
role's credentials (IMDSv2, refreshed in the background well before they expire), keeps TLS
connections to the EC2 endpoint open (re-opened in the background when the server closes them, no
API call to keep them warm), signs AWS Signature Version 4 itself, and learns every VRRP transition
from keepalived's vrrp_notify_fifo: nothing is forked on a failover.

On MASTER it points every managed route at this gateway's ENI and never gives up while master.
Every REASSERT_S it re-reads the route tables: while master it repairs drift (a route missing,
blackholed or off this pair), never taking one back from the peer; while not master it hands the
routes still on this gateway's ENI to the peer's. It creates (CreateRoute) a missing route only once
it has seen that route exist (docs/pulumi.md "Route ownership"), and keeps what it has seen in
STATE_DIR across restarts and reboots. It records the VRRP state for `npm run status` and publishes
the CloudWatch transition metric, both off the critical path.

Python 3.9 standard library only: Amazon Linux 2023's system Python (/usr/bin/python3).
Test and lab hooks (environment): VIG_RUN_DIR, VIG_STATE_DIR, VIG_IMDS (host:port),
VIG_CONNECT ("ec2=host:port,monitoring=host:port": where an endpoint is reached), VIG_SOURCE_IP, VIG_REASSERT_S,
VIG_MASTER_AT_START (1/0: instead of the placeholder check).
"""

import datetime
import errno
import fcntl
import hashlib
import hmac
import http.client
import json
import os
import queue
import random
import re
import select
import signal
import socket
import ssl
import stat
import sys
import threading
import time
import urllib.parse

EC2_API_VERSION = "2016-11-15"
CW_API_VERSION = "2010-08-01"
# Retry backoff: equal jitter over min(cap, base x 2^n); EC2 throttles mutating calls (5/s refill).
RETRY_BASE_S = 0.25
RETRY_CAP_S = 4.0
# Credentials are renewed in the background once they have less than this left; IMDS offers new
# ones at least 5 minutes before the old ones expire, so past this margin it has new ones to give.
REFRESH_MARGIN_S = 900
# The critical path signs with cached credentials while they have at least this left.
USABLE_MARGIN_S = 60
MAX_CONNECTIONS = 4
REQUEST_TIMEOUT_S = 10
VRRP_HISTORY = 10
# the VRRP record waits this long at most for a takeover to finish: a move that goes on (throttled)
# does not hold the journal line back for ever
RECORD_WAIT_S = 2.0


def log(message):
    """One journal line (systemd takes stdout to the journal under the unit's SyslogIdentifier)."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


# --- AWS Signature Version 4 (AWS General Reference, "Signature Version 4 signing process") -------


def uri_encode(text, safe="-_.~"):
    return urllib.parse.quote(text, safe=safe)


def canonical_query(query):
    pairs = []
    for part in query.split("&") if query else []:
        key, _, value = part.partition("=")
        pairs.append((uri_encode(urllib.parse.unquote(key)), uri_encode(urllib.parse.unquote(value))))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_headers(headers):
    merged = {}
    for name, value in headers:
        merged.setdefault(name.strip().lower(), []).append(" ".join(value.strip().split()))
    names = sorted(merged)
    return "".join(f"{n}:{','.join(merged[n])}\n" for n in names), ";".join(names)


def sign(method, target, headers, body, creds, when, region, service):
    """The Authorization header value for a request whose headers (name, value) are all signed."""
    path, _, query = target.partition("?")
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    header_block, signed = canonical_headers(headers)
    canonical = "\n".join([method, uri_encode(path, safe="/-_.~"), canonical_query(query), header_block,
                           signed, hashlib.sha256(body).hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + creds["secret"]).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    auth = f"AWS4-HMAC-SHA256 Credential={creds['id']}/{scope}, SignedHeaders={signed}, Signature={signature}"
    return auth, canonical, to_sign


# --- Instance metadata (IMDSv2) -----------------------------------------------------------------


class Imds:
    def __init__(self, address, source_ip):
        self.host, _, port = address.partition(":")
        self.port = int(port or 80)
        self.source = (source_ip, 0) if source_ip else None
        self.token = None

    def _call(self, method, path, headers):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=2, source_address=self.source)
        try:
            conn.request(method, path, headers=headers)
            reply = conn.getresponse()
            return reply.status, reply.read().decode()
        finally:
            conn.close()

    def get(self, path):
        for _ in range(2):
            if not self.token:
                status, text = self._call("PUT", "/latest/api/token",
                                          {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
                if status != 200:
                    raise OSError(f"IMDSv2 token: HTTP {status}")
                self.token = text
            status, text = self._call("GET", "/latest/meta-data/" + path,
                                      {"X-aws-ec2-metadata-token": self.token})
            if status == 401:
                self.token = None
                continue
            if status != 200:
                raise OSError(f"IMDS {path}: HTTP {status}")
            return text
        raise OSError(f"IMDS {path}: token refused")


def iso_to_epoch(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class Identity:
    """Region, ENI, VPC and role (fixed while the instance runs) and the role's credentials."""

    def __init__(self, imds):
        self.imds = imds
        self.lock = threading.Lock()
        self.creds = None
        self.region = self.domain = self.eni = self.vpc = self.role = None

    def load(self):
        self.region = self.imds.get("placement/region").strip()
        mac = self.imds.get("mac").strip()
        self.eni = self.imds.get(f"network/interfaces/macs/{mac}/interface-id").strip()
        self.vpc = self.imds.get(f"network/interfaces/macs/{mac}/vpc-id").strip()
        # The China regions' endpoints live under their own domain (the aws-cn partition).
        self.domain = "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        self.refresh()

    def refresh(self):
        """New credentials from IMDS (asking the role's name again: the instance profile may change)."""
        self.role = self.imds.get("iam/security-credentials/").split("\n")[0].strip()
        doc = json.loads(self.imds.get(f"iam/security-credentials/{self.role}"))
        creds = {"id": doc["AccessKeyId"], "secret": doc["SecretAccessKey"], "token": doc["Token"],
                 "expires": iso_to_epoch(doc["Expiration"])}
        with self.lock:
            self.creds = creds
        return creds

    def usable(self):
        with self.lock:
            c = self.creds
        if c and c["expires"] - time.time() > USABLE_MARGIN_S:
            return c
        try:
            return self.refresh()
        except (OSError, ValueError, KeyError) as e:
            if c and c["expires"] > time.time():
                log(f"instance metadata unreachable ({e}); signing with the cached credentials until they expire")
                return c
            raise

    def seconds_left(self):
        with self.lock:
            return self.creds["expires"] - time.time() if self.creds else 0


# --- HTTPS endpoints: kept open, re-opened in the background --------------------------------------


def tls_context():
    ctx = ssl.create_default_context()
    if not ssl.get_default_verify_paths().cafile:
        for bundle in ("/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"):
            if os.path.exists(bundle):
                ctx.load_verify_locations(bundle)
                break
    return ctx


class Connection:
    """One persistent HTTPS connection; `keep` runs in its own thread and re-opens it when closed."""

    def __init__(self, host, ctx, connect, source_ip):
        self.host = host
        self.ctx = ctx
        self.connect_host, _, port = (connect or host).partition(":")
        self.port = int(port or 443)
        self.source = (source_ip, 0) if source_ip else None
        self.lock = threading.Lock()
        self.conn = None
        self.opened = 0

    def _open(self):
        conn = http.client.HTTPSConnection(self.connect_host, self.port, timeout=REQUEST_TIMEOUT_S,
                                           context=self.ctx, source_address=self.source)
        # connected and TLS-verified here (requests carry their own Host header): the certificate
        # must name the endpoint, whatever address it was reached at
        raw = socket.create_connection((self.connect_host, self.port), REQUEST_TIMEOUT_S, self.source)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.sock = self.ctx.wrap_socket(raw, server_hostname=self.host)
        self.opened += 1
        return conn

    def post(self, body, headers):
        """(status, text) of one POST; a connection the server closed meanwhile is re-opened once."""
        with self.lock:
            for attempt in range(2):
                fresh = self.conn is None
                if fresh:
                    self.conn = self._open()
                try:
                    self.conn.request("POST", "/", body=body, headers=headers)
                    reply = self.conn.getresponse()
                    text = reply.read().decode("utf-8", "replace")
                    if reply.getheader("Connection", "").lower() == "close":
                        self._close()
                    return reply.status, text
                except (http.client.HTTPException, OSError):
                    self._close()
                    if fresh or attempt:
                        raise
            raise OSError("unreachable")

    def _close(self):
        if self.conn:
            self.conn.close()
        self.conn = None

    def alive_check(self):
        """Under the lock: reads what arrived on an idle connection; False when the server closed it."""
        sock = self.conn.sock
        try:
            sock.setblocking(False)
            data = sock.recv(1)
        except ssl.SSLWantReadError:
            return True  # TLS records only (a TLS 1.3 session ticket): still open
        except (OSError, ssl.SSLError):
            return False
        finally:
            try:
                sock.settimeout(REQUEST_TIMEOUT_S)
            except OSError:
                pass
        return False  # the server closed it (b""), or sent what no request asked for

    def keep(self, stop):
        delay = 1
        while not stop.is_set():
            with self.lock:
                try:
                    if self.conn is None:
                        self.conn = self._open()
                    delay = 1
                    sock = self.conn.sock
                except (OSError, ssl.SSLError) as e:
                    log(f"cannot open a connection to {self.host} ({e}); trying again in {delay} s")
                    sock = None
            if sock is None:
                stop.wait(delay)
                delay = min(delay * 2, 30)
                continue
            try:
                readable, _, _ = select.select([sock], [], [], 30)
            except (OSError, ValueError):
                readable = [sock]
            if readable and self.lock.acquire(blocking=False):
                try:
                    if self.conn is not None and self.conn.sock is sock and not self.alive_check():
                        self._close()
                finally:
                    self.lock.release()
            elif readable:
                time.sleep(0.05)


# --- The mover ----------------------------------------------------------------------------------


def ms_between(start, end):
    return max(0, round((end - start) * 1000))


def xml_tag(text, tag):
    m = re.search(f"<{tag}>([^<]*)</{tag}>", text or "")
    return m.group(1) if m else ""


class Mover:
    def __init__(self, config):
        self.c = config
        self.run_dir = os.environ.get("VIG_RUN_DIR", config["runDir"])
        self.state_dir = os.environ.get("VIG_STATE_DIR", config["stateDir"])
        self.fifo = os.path.join(self.run_dir, config["fifoName"])
        self.connect = dict(part.split("=", 1) for part in os.environ.get("VIG_CONNECT", "").split(",") if "=" in part)
        self.source_ip = os.environ.get("VIG_SOURCE_IP")
        self.reassert_s = float(os.environ.get("VIG_REASSERT_S", config["reassertS"]))
        self.identity = Identity(Imds(os.environ.get("VIG_IMDS", "169.254.169.254:80"), self.source_ip))
        self.routes = [(t, c) for t in config["routeTables"] for c in config["siteCidrs"]]
        self.master = False
        self.state = "INIT"
        self.epoch = 0
        self.work = queue.Queue()
        self.metrics = queue.Queue()
        self.records = queue.Queue()
        self.stop = threading.Event()
        self.pool = []
        self.lanes = []
        self.monitoring = None
        self.peer_eni = None
        self.seen = set()
        self.seen_lock = threading.Lock()
        self.unseen_logged = set()
        self.ready = threading.Event()
        # takeovers queued or running: the record and the metric wait until there is none, so no
        # thread of theirs wakes to compete with a takeover for the CPU or Python's interpreter lock
        self.takeovers = 0
        self.takeovers_done = threading.Condition()
        self.held_records = []
        # the record's and the metric's threads: {tid: their nice while no takeover is queued}
        self.background = {}
        self.master_at = time.time()
        self.sent_at, self.answered_at = [], []
        # active: this process holds the lock (reads the FIFO, moves routes); until then it is the
        # spare, identity and connections ready, that takes over the moment the active one ends
        self.active = False
        self.activation = threading.Lock()
        self.lock_path = os.path.join(self.run_dir, config["lockFileName"])
        # a re-assert asked for (timer, reload, start): one read at a time, requests coalesce
        self.reassert_asked = threading.Event()
        self.reader_conn = None

    # state kept across restarts and reboots: the routes seen to exist
    def seen_file(self):
        return os.path.join(self.state_dir, self.c["seenFileName"])

    def load_seen(self):
        try:
            with open(self.seen_file()) as f:
                self.seen = set(json.load(f).get("seen", []))
        except FileNotFoundError:
            self.seen = set()
        except (OSError, ValueError) as e:
            log(f"cannot read {self.seen_file()} ({e}): no route counts as seen")

    def mark_seen(self, table, cidr):
        key = f"{table} {cidr}"
        with self.seen_lock:
            if key in self.seen:
                return
            self.seen.add(key)
            try:
                os.makedirs(self.state_dir, mode=0o755, exist_ok=True)
                tmp = self.seen_file() + ".tmp"
                with open(tmp, "w") as f:
                    json.dump({"version": 1, "seen": sorted(self.seen)}, f)
                    f.write("\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.seen_file())
            except OSError as e:
                # a state file that cannot be written must never stop a move; this run remembers
                log(f"cannot write {self.seen_file()} ({e}): the routes seen are kept until a restart")

    # the EC2 Query API
    def endpoint(self, service):
        return f"{service}.{self.identity.region}.{self.identity.domain}"

    def call(self, conn, service, version, params, creds=None):
        body = urllib.parse.urlencode([("Action", params[0][1]), ("Version", version)] + params[1:],
                                      quote_via=urllib.parse.quote).encode()
        for attempt in range(2):
            creds = creds or self.identity.usable()
            now = datetime.datetime.now(datetime.timezone.utc)
            headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                       ("Host", conn.host), ("X-Amz-Date", now.strftime("%Y%m%dT%H%M%SZ")),
                       ("X-Amz-Security-Token", creds["token"])]
            auth, _, _ = sign("POST", "/", headers, body, creds, now, self.identity.region, service)
            status, text = conn.post(body, dict(headers + [("Authorization", auth)]))
            code = xml_tag(text, "Code") if status != 200 else ""
            if attempt == 0 and (code in ("AuthFailure", "RequestExpired") or code.startswith("ExpiredToken")):
                log(f"EC2 refused the role's credentials ({code}); reading new ones from IMDS")
                creds = self.identity.refresh()
                continue
            return status, text
        return status, text

    def ec2(self, params, conn=None):
        return self.call(conn or self.pool[0], "ec2", EC2_API_VERSION, params)

    # one route job: (table, cidr, eni, action)
    def do_job(self, conn, job):
        """None when done; otherwise the job to send again (action switched) and whether to back off."""
        table, cidr, eni, action = job
        route = f"route {cidr} in {table}"
        self.sent_at.append(time.time())
        try:
            status, text = self.ec2([("Action", action), ("RouteTableId", table),
                                     ("DestinationCidrBlock", cidr), ("NetworkInterfaceId", eni)], conn)
        except (OSError, http.client.HTTPException, ssl.SSLError, ValueError, KeyError) as e:
            log(f"{route}: {action} failed (no answer: {e}); retrying")
            return job, True
        if status == 200:
            self.answered_at.append(time.time())
            log(f"{route} -> {eni} ({action})")
            self.mark_seen(table, cidr)
            return None, False
        code, message = xml_tag(text, "Code"), xml_tag(text, "Message")
        # EC2 on a missing route: InvalidParameterValue "There is no route defined for '<cidr>' in the
        # route table. Use CreateRoute instead." (or InvalidRoute.NotFound); on a route created
        # meanwhile: RouteAlreadyExists. Both switch the action and go again at once.
        if code == "InvalidRoute.NotFound" or "Use CreateRoute instead" in message:
            if f"{table} {cidr}" not in self.seen:
                self.not_created_yet(table, cidr)
                return None, False
            return (table, cidr, eni, "CreateRoute"), False
        if code == "RouteAlreadyExists":
            return (table, cidr, eni, "ReplaceRoute"), False
        log(f"{route}: {action} failed (HTTP {status} {code or 'no answer'}{': ' + message if message else ''}); retrying")
        return job, True

    def not_created_yet(self, table, cidr):
        key = f"{table} {cidr}"
        if key not in self.unseen_logged:
            self.unseen_logged.add(key)
            log(f"route {cidr} in {table} not created yet: Pulumi creates it")

    def move(self, jobs, entitled, entitlement):
        """Every job until each is done, for as long as `entitled()` holds; True when all are done."""
        rounds, back_off = 0, False
        # when each request left and each answer came, for this move's journal line (takeover)
        self.sent_at, self.answered_at = [], []
        while jobs:
            if rounds:
                self.release_records(older_than=time.time() - RECORD_WAIT_S)
                if not entitled():
                    log(f"{len(jobs)} route(s) left as they are: {entitlement} no longer holds")
                    return False
                if back_off:
                    d = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** min(rounds - 1, 5))
                    time.sleep(d / 2 + random.uniform(0, d / 2))
            lanes = [[] for _ in self.pool]
            for i, job in enumerate(jobs):
                lanes[i % len(lanes)].append(job)
            results = [None] * len(lanes)
            finished = threading.Semaphore(0)
            helped = [i for i in range(1, len(lanes)) if lanes[i]]
            # the other connections' lane threads were started with the pool: a failover starts none
            for i in helped:
                self.lanes[i].put((lanes[i], results, finished))
            results[0] = [self.do_job(self.pool[0], job) for job in lanes[0]]
            for _ in helped:
                finished.acquire()
            outcomes = [o for r in results if r for o in r]
            jobs = [job for job, _ in outcomes if job]
            back_off = any(b for _, b in outcomes)
            rounds += 1
        return True

    def lane(self, i):
        """Connection i's thread: sends the jobs a move gives it, one after the other."""
        while not self.stop.is_set():
            jobs, results, finished = self.lanes[i].get()
            try:
                results[i] = [self.do_job(self.pool[i], job) for job in jobs]
            except Exception as e:  # a lane that died would hang every later move
                log(f"route lane {i} failed ({e!r}); its routes go again")
                results[i] = [(job, True) for job in jobs]
            finally:
                finished.release()

    def takeover(self, epoch):
        jobs = [(t, c, self.identity.eni, "ReplaceRoute") for t, c in self.routes]
        if self.move(jobs, lambda: self.master and self.epoch == epoch, "mastership"):
            if self.answered_at and self.epoch == epoch:
                def after(times, pick):
                    return ms_between(self.master_at, pick(times))
                log(f"takeover: {len(self.answered_at)} of {len(jobs)} route(s) on this gateway "
                    f"{after(self.answered_at, max)} ms after MASTER (first request sent after "
                    f"{after(self.sent_at, min)} ms, first answer after {after(self.answered_at, min)} ms)")

    def queue_takeover(self, epoch):
        with self.takeovers_done:
            self.takeovers += 1
            if self.takeovers == 1:
                self.boost_background(True)
        self.work.put(("takeover", epoch, None))

    def takeover_done(self):
        with self.takeovers_done:
            self.takeovers -= 1
            if self.takeovers <= 0:
                self.boost_background(False)
                self.release_records()
            self.takeovers_done.notify_all()

    def background_thread(self, nice):
        """The calling thread runs at `nice` while no takeover is queued or running."""
        tid = threading.get_native_id()
        with self.takeovers_done:
            self.background[tid] = nice
            self.set_nice(tid, self.c["activeNice"] if self.takeovers > 0 and self.active else nice)

    def boost_background(self, boost):
        """Priority inheritance by hand: a low-priority thread that the kernel leaves waiting while it
        holds Python's interpreter lock would hold up the takeover, so while one is queued or running
        the record's and the metric's threads run at the takeover's priority."""
        if not self.active:
            return
        for tid, nice in self.background.items():
            self.set_nice(tid, self.c["activeNice"] if boost else nice)

    def set_nice(self, tid, nice):
        """True when thread `tid` now runs at `nice`; a failure is logged."""
        try:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
            return True
        except OSError as e:
            log(f"cannot set thread {tid} to nice {nice} ({e})")
            return False

    def after_takeovers(self):
        """Returns once no takeover is queued or running, or after RECORD_WAIT_S."""
        with self.takeovers_done:
            self.takeovers_done.wait_for(lambda: self.takeovers <= 0, RECORD_WAIT_S)

    def record_later(self, record):
        """The recorder gets a transition once no takeover is queued or running (or, while one goes on
        throttled, after RECORD_WAIT_S: move() releases it between rounds)."""
        with self.takeovers_done:
            if self.takeovers <= 0:
                self.records.put(record)
            else:
                self.held_records.append(record)

    def release_records(self, older_than=None):
        with self.takeovers_done:
            if older_than is not None and not any(r[3] < older_than for r in self.held_records):
                return
            for record in self.held_records:
                self.records.put(record)
            self.held_records = []

    def read_routes(self):
        """{(table, cidr): (eni or 'none', state)} of the managed tables, from one DescribeRouteTables."""
        params = [("Action", "DescribeRouteTables")]
        params += [(f"RouteTableId.{i + 1}", t) for i, t in enumerate(self.c["routeTables"])]
        status, text = self.ec2(params, self.reader_conn)
        if status != 200:
            raise OSError(f"cannot read the route tables (HTTP {status} {xml_tag(text, 'Code')})")
        found = {}
        for table_xml in re.findall(r"<routeTableId>([^<]*)</routeTableId>(.*?)</routeSet>", text, re.S):
            table, body = table_xml
            for item in re.findall(r"<item>(.*?)</item>", body, re.S):
                cidr = xml_tag(item, "destinationCidrBlock")
                if cidr:
                    found[(table, cidr)] = (xml_tag(item, "networkInterfaceId") or "none", xml_tag(item, "state") or "active")
        return found

    def find_peer_eni(self):
        if self.peer_eni:
            return self.peer_eni
        status, text = self.ec2([("Action", "DescribeNetworkInterfaces"),
                                 ("Filter.1.Name", "addresses.private-ip-address"),
                                 ("Filter.1.Value.1", self.c["peerPrivateIp"]),
                                 ("Filter.2.Name", "vpc-id"), ("Filter.2.Value.1", self.identity.vpc)],
                                self.reader_conn)
        eni = xml_tag(text, "networkInterfaceId") if status == 200 else ""
        self.peer_eni = eni or None
        return self.peer_eni

    def reassert_jobs(self, master):
        """The route changes a re-assert makes, from one read (on the reader's connection)."""
        found = self.read_routes()
        for (table, cidr) in found:
            if (table, cidr) in self.routes:
                self.mark_seen(table, cidr)
        jobs = []
        for table, cidr in self.routes:
            eni, state = found.get((table, cidr), (None, None))
            if master:
                if eni == self.identity.eni and state != "blackhole":
                    continue
                if eni is None and f"{table} {cidr}" not in self.seen:
                    self.not_created_yet(table, cidr)
                    continue
                if eni and eni != "none" and state != "blackhole":
                    peer = self.find_peer_eni()
                    if peer is None:
                        log(f"route {cidr} in {table} on {eni}: cannot tell whether that is the peer; left")
                        continue
                    if eni == peer:
                        continue
                log(f"route {cidr} in {table}: {eni + ' ' + state if eni else 'missing'}; repairing")
                jobs.append((table, cidr, self.identity.eni, "ReplaceRoute"))
            elif eni == self.identity.eni:
                peer = self.find_peer_eni()
                if peer is None:
                    log("cannot find the peer's ENI; routes left on this gateway")
                    return []
                log(f"route {cidr} in {table}: on this gateway, which is not master; handing it to {peer}")
                jobs.append((table, cidr, peer, "ReplaceRoute"))
        return jobs

    def repair(self, jobs, epoch):
        if not jobs:
            return
        if self.master:
            self.move(jobs, lambda: self.master and self.epoch == epoch, "mastership")
        else:
            self.move(jobs, lambda: not self.master and self.epoch == epoch, "not being master")

    # VRRP transitions
    def on_transition(self, state, priority):
        if state in ("MASTER_RX_LOWER_PRI", "MASTER_PRIORITY", "BACKUP_PRIORITY"):
            # events, not transitions (keepalived.conf(5), "notify_priority_changes"): a master that
            # hears a lower-priority master (a split brain healing) takes the routes back at once
            if state == "MASTER_RX_LOWER_PRI" and self.master:
                log("vrrp: a lower-priority peer is master too; taking the routes back")
                self.queue_takeover(self.epoch)
            return
        at = time.time()
        previous, self.state = self.state, state
        self.epoch += 1
        self.master = state == "MASTER"
        if self.master:
            self.master_at = at
            self.queue_takeover(self.epoch)
        # the record and the metric off the FIFO thread, after the takeover
        self.record_later((previous, state, priority, at))

    def recorded_state(self):
        try:
            with open(os.path.join(self.run_dir, self.c["vrrpStateFileName"])) as f:
                return json.load(f).get("state", "INIT")
        except (OSError, ValueError):
            return "INIT"

    def record(self, previous, state, priority, at):
        reasons = {"MASTER": f"became master (priority {priority})",
                   "BACKUP": "backup: a peer with a higher priority is master, or keepalived started",
                   "FAULT": "fault: the prober's track file says the tunnel is down",
                   "STOP": "keepalived stopped"}
        reason = reasons.get(state, f"keepalived reported {state}")
        # written after the takeover's route lines: the line says when the transition was
        clock = time.strftime("%H:%M:%S", time.gmtime(at)) + f".{int(at * 1000) % 1000:03d}"
        entry = {"at": round(at, 6), "from": previous, "to": state, "reason": reason}
        history_file = os.path.join(self.run_dir, self.c["vrrpHistoryFileName"])
        try:
            with open(history_file) as f:
                history = [json.loads(line) for line in f if line.strip()]
        except (OSError, ValueError):
            history = []
        history = (history + [entry])[-VRRP_HISTORY:]
        self.write_atomic(history_file, "".join(json.dumps(h) + "\n" for h in history))
        self.write_atomic(os.path.join(self.run_dir, self.c["vrrpStateFileName"]),
                          json.dumps({"version": 1, "state": state, "since": entry["at"], "transitions": history}) + "\n")
        log(f"vrrp: {previous} -> {state} at {clock} UTC: {reason}")

    @staticmethod
    def write_atomic(path, text):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)

    def recorder(self):
        """The VRRP record and journal line of each transition, in order, once no takeover is left
        (record_later), at a low CPU priority (raised while a takeover is queued or running)."""
        self.background_thread(10)
        while not self.stop.is_set():
            previous, state, priority, at = self.records.get()
            try:
                self.record(previous, state, priority, at)
            except OSError as e:
                log(f"cannot write the VRRP record ({e})")
            self.metrics.put((state, at))

    def publish_metrics(self):
        """The VRRP transition metric, after the record, at the lowest CPU priority (raised while a
        takeover is queued or running): on a gateway leaving MASTER it would otherwise compete, in
        the lab, with the peer's takeover on the same emulated CPUs."""
        self.background_thread(19)
        while not self.stop.is_set():
            state, at = self.metrics.get()
            self.ready.wait()
            self.after_takeovers()
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(at)))
            params = [("Action", "PutMetricData"), ("Namespace", self.c["metricsNamespace"]),
                      ("MetricData.member.1.MetricName", self.c["transitionMetric"])]
            dims = [("Site", self.c["site"]), ("Gateway", self.c["name"]), ("State", state)]
            for j, (name, value) in enumerate(dims, 1):
                params += [(f"MetricData.member.1.Dimensions.member.{j}.Name", name),
                           (f"MetricData.member.1.Dimensions.member.{j}.Value", value)]
            params += [("MetricData.member.1.Value", "1"), ("MetricData.member.1.Unit", "Count"),
                       ("MetricData.member.1.Timestamp", stamp)]
            for wait in (0, 1, 2, None):
                if wait is None:
                    log(f"the transition to {state} dropped")
                    break
                time.sleep(wait)
                try:
                    if self.monitoring is None:
                        self.monitoring = self.connection("monitoring")
                    status, text = self.call(self.monitoring, "monitoring", CW_API_VERSION, params)
                    if status == 200:
                        break
                    log(f"CloudWatch did not take the transition to {state} (HTTP {status}): {xml_tag(text, 'Code')}")
                except (OSError, http.client.HTTPException, ssl.SSLError, ValueError, KeyError) as e:
                    log(f"CloudWatch did not take the transition to {state} ({e})")

    # threads
    def worker(self):
        while not self.stop.is_set():
            kind, epoch, repairs = self.work.get()
            try:
                if not self.ready.is_set():
                    continue
                if kind == "takeover":
                    if self.master and self.epoch == epoch:
                        self.takeover(epoch)
                elif self.epoch == epoch:
                    self.repair(repairs, epoch)
                elif repairs:
                    log("re-assert: a VRRP transition came during its read; its repairs are left to the next")
            except (OSError, http.client.HTTPException, ssl.SSLError, ValueError, KeyError) as e:
                log(f"{'the move' if kind == 'takeover' else 're-assert'} failed: {e}")
                if kind == "takeover" and self.master and self.epoch == epoch:
                    time.sleep(RETRY_BASE_S)
                    self.queue_takeover(epoch)
            finally:
                if kind == "takeover":
                    self.takeover_done()

    def reader(self):
        """Each re-assert's reads, on a connection of their own: a takeover never waits for them. The
        repairs go to the worker, which drops them if a transition came meanwhile."""
        while not self.stop.is_set():
            self.reassert_asked.wait()
            self.reassert_asked.clear()
            self.ready.wait()
            epoch = self.epoch
            try:
                jobs = self.reassert_jobs(self.master)
            except (OSError, http.client.HTTPException, ssl.SSLError, ValueError, KeyError) as e:
                log(f"re-assert failed: {e}")
                continue
            self.work.put(("repair", epoch, jobs))

    def ask_reassert(self):
        self.reassert_asked.set()

    def timer(self):
        while not self.stop.wait(self.reassert_s):
            if self.active:
                self.ask_reassert()
            self.refresh_credentials()

    def refresh_credentials(self):
        if self.identity.seconds_left() < REFRESH_MARGIN_S:
            try:
                self.identity.refresh()
            except (OSError, ValueError, KeyError) as e:
                log(f"instance metadata unreachable ({e}); the credentials are renewed later")

    def start(self):
        """Identity and connections, in the background: the FIFO is read from the first moment."""
        delay = 1
        while not self.stop.is_set():
            try:
                self.identity.load()
                break
            except (OSError, ValueError, KeyError) as e:
                log(f"instance metadata (IMDSv2) unreachable ({e}); trying again in {delay} s")
                self.stop.wait(delay)
                delay = min(delay * 2, 30)
        self.ctx = tls_context()
        size = max(1, min(MAX_CONNECTIONS, len(self.routes)))
        self.pool = [self.connection("ec2") for _ in range(size)]
        self.reader_conn = self.connection("ec2")
        self.lanes = [queue.Queue() for _ in self.pool]
        for i, conn in enumerate(self.pool + [self.reader_conn]):
            threading.Thread(target=conn.keep, args=(self.stop,), daemon=True).start()
            if 0 < i < size:
                threading.Thread(target=self.lane, args=(i,), daemon=True).start()
        log(f"ready: {self.identity.eni} in {self.identity.region}, {len(self.routes)} route(s), "
            f"{size} connection(s) to {self.endpoint('ec2')} for the moves and one for the re-assert's reads")
        with self.activation:
            self.ready.set()
            if self.active:
                self.raise_priority()
                self.kick()

    def connection(self, service):
        """A kept HTTPS connection to `service`'s endpoint (ec2, monitoring)."""
        return Connection(self.endpoint(service), self.ctx, self.connect.get(service), self.source_ip)

    def activate(self):
        """This process holds the lock: it reads the FIFO and moves routes from now on."""
        self.load_seen()
        self.master = self.holds_placeholder()
        self.state = self.recorded_state()
        with self.activation:
            self.active = True
            self.raise_priority()
            if self.ready.is_set():
                self.kick()

    def raise_priority(self):
        """The active mover's threads at activeNice. Both units start at a low priority, so a mover
        starting (the spare coming back) never takes CPU from the prober or keepalived; the one that
        acts on a failover is ahead of them. Linux keeps a nice value per thread."""
        for tid in map(int, os.listdir("/proc/self/task")):
            # one failure (no CAP_SYS_NICE) is the same for every thread: logged once
            if tid not in self.background and not self.set_nice(tid, self.c["activeNice"]):
                return

    def kick(self):
        # a transition keepalived announced while no mover was reading is acted on now
        if self.master:
            self.master_at = time.time()
            self.queue_takeover(self.epoch)
        else:
            self.ask_reassert()

    def on_reload(self, *_):
        """SIGUSR1 (ExecReload): a re-assert now; a spare passes it to the active mover."""
        if self.active:
            self.ask_reassert()
            return
        pid = self.active_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGUSR1)
            except OSError:
                pass

    def active_pid(self):
        try:
            with open(self.lock_path) as f:
                return int(f.readline().strip() or 0)
        except (OSError, ValueError):
            return 0

    def holds_placeholder(self):
        forced = os.environ.get("VIG_MASTER_AT_START")
        if forced is not None:
            return forced == "1"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((self.c["placeholder"], 0))  # only an address of this host can be bound
            return True
        except OSError:
            return False
        finally:
            s.close()

    def open_fifo(self):
        try:
            os.mkfifo(self.fifo, 0o600)
        except FileExistsError:
            if not stat.S_ISFIFO(os.stat(self.fifo).st_mode):
                raise
        # read-write: never an end of file when keepalived restarts, and what keepalived wrote while
        # this process was away waits in the pipe for the next one
        return os.open(self.fifo, os.O_RDWR | os.O_CLOEXEC)

    def read_fifo(self, fd):
        pending = b""
        while not self.stop.is_set():
            readable, _, _ = select.select([fd], [], [], 1)
            if not readable:
                # keepalived unlinks a FIFO it created when it stops: follow the path's FIFO
                try:
                    if os.stat(self.fifo).st_ino != os.fstat(fd).st_ino:
                        os.close(fd)
                        fd = self.open_fifo()
                except FileNotFoundError:
                    os.close(fd)
                    fd = self.open_fifo()
                continue
            pending += os.read(fd, 4096)
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                m = re.match(r'INSTANCE "([^"]*)" (\w+) (\d+)$', line.decode("utf-8", "replace"))
                if m and m.group(1) == self.c["instance"]:
                    self.on_transition(m.group(2), m.group(3))


def notify_systemd(message):
    """sd_notify(3) without libsystemd: the unit (Type=notify) is started once the FIFO is open."""
    where = os.environ.get("NOTIFY_SOCKET")
    if not where:
        return
    if where.startswith("@"):
        where = "\0" + where[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
        s.sendto(message.encode(), where)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--sign":
        # AWS's published SigV4 vectors (tests): [{method, target, headers, body, secret, token, now,
        # region, service}] on stdin, [{authorization, canonicalRequest, stringToSign}] on stdout
        out = []
        for case in json.load(sys.stdin):
            headers = [tuple(h) for h in case["headers"]]
            when = datetime.datetime.strptime(case["now"], "%Y%m%dT%H%M%SZ")
            auth, canonical, to_sign = sign(case["method"], case["target"], headers, case["body"].encode(),
                                            {"id": case["id"], "secret": case["secret"]}, when,
                                            case["region"], case["service"])
            out.append({"authorization": auth, "canonicalRequest": canonical, "stringToSign": to_sign})
        print(json.dumps(out))
        return 0
    with open(sys.argv[1]) as f:
        mover = Mover(json.load(f))
    os.umask(0o022)
    os.makedirs(mover.run_dir, mode=0o755, exist_ok=True)
    signal.signal(signal.SIGUSR1, mover.on_reload)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # the FIFO is there before keepalived starts (its unit is After= this one, started at READY=1)
    fifo = mover.open_fifo()
    notify_systemd("READY=1")
    for target in (mover.worker, mover.reader, mover.timer, mover.recorder, mover.publish_metrics, mover.start):
        threading.Thread(target=target, daemon=True).start()
    # the lock against itself: one active mover per gateway; another one waits, ready, as its spare
    lock = open(mover.lock_path, "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        previous = None
    except OSError as e:
        if e.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        previous = mover.active_pid()
        log(f"spare: the active route mover is pid {previous}; this one (pid {os.getpid()}) takes over when it ends")
        fcntl.flock(lock, fcntl.LOCK_EX)
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    mover.activate()
    role = "master" if mover.master else "not master"
    if previous is None:
        log(f"started ({role}); pid {os.getpid()}")
    else:
        ready = "ready" if mover.ready.is_set() else "still reading its identity"
        log(f"took over from pid {previous}, which ended ({role}, {ready}); pid {os.getpid()}")
    mover.read_fifo(fifo)
    return 0

if __name__ == "__main__":
    sys.exit(main())
