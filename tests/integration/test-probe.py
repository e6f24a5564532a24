#!/usr/bin/env python3
"""Integration test of `sesame-cli probe` and `sesame-cli map` in netlab labs (TAP).

For every profile of ./netlab (open, full-cone, restricted-cone, port-restricted,
symmetric, udp-blocked, cgnat) a lab comes up under a unique prefix; first a lab
self-check (GET /ip, turnutils_natdiscovery -m -f, and with --upnp: upnpc,
NAT-PMP and PCP answers) tells a broken lab apart from a broken Sesame, then
Sesame's CLI runs in the LAN namespace and its JSON is checked against what the
profile is. The port-restricted lab also runs the port check (TCP 8080) and the
mapping commands (map add / list / remove, by default and --via upnp|natpmp|pcp,
each followed by a connection from the internet namespace).

"foreign-igd" (not a NAT profile) runs labs with another LAN host whose UPnP IGD
answers first: the gateway's IGD must be used, the other one changed only when
named with --igd-host, and its claims must decide nothing in the probe.

Environment:
  SESAME_CLI         path of sesame-cli (required for the Sesame parts; without it
                     they fail with "sesame-cli probe not available")
  NETLAB_PROFILES    comma-separated subset of profiles (default: all)
  NETLAB_JOBS        labs run at once (default 2; output stays in profile order)
  SESAME_SKIP_EXIT   exit status when the test cannot run (not root, a tool
                     missing): default 77; it prints "1..0 # SKIP <why>" either way.
                     meson's TAP protocol counts only a 0 exit as SKIP, so its
                     registration sets 0.

Needs root, iproute2, nftables, coturn, miniupnpd-nftables, miniupnpc, python3.
Every lab is taken down at the end, also on failure or SIGTERM/SIGINT; each has
--ttl 900 should this process be killed outright.
"""
import concurrent.futures
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETLAB = os.path.join(HERE, "netlab")
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else (sys.executable or "python3")
SELF = os.path.abspath(__file__)

STUN1, STUN2, HTTP = "198.51.100.1", "198.51.100.2", "http://198.51.100.1"
PUBLIC = "203.0.113.2"
CGN_WAN = "100.64.0.2"
DEADLINE_MS = 4000
SHORT_DEADLINE_MS = 300
SHORT_WALL_LIMIT = float(os.environ.get("SESAME_SHORT_WALL_LIMIT", "0.6"))  # "ends within ~0.5 s"
WALL_SLACK = 1.0          # s beyond --deadline-ms allowed for process start and JSON output
IGD_URL = "http://192.168.11.1:5000/rootDesc.xml"
MAP_PORT = 40000
CHECK_PORT = 8080
FWD_TCP, FWD_UDP = 8081, 16384      # forwarded by hand in every profile; nothing listens there
# the lab's sesame-reflector (NETLAB_REFLECTOR): STUN on 3480/3481 beside coturn, /ip and /check on port 80
REFLECTOR_SERVERS = ["--stun", STUN1 + ":3480", "--ip-url", HTTP + "/ip",
                     "--check-url", HTTP + "/check?port={port}&proto={proto}"]
# a second sesame-reflector as a person starts it, with its default ports (STUN 3478/3479, HTTP 8080)
OWN_REFLECTOR, OWN_REFLECTOR_OTHER = "198.51.100.3", "198.51.100.4"
LAB_NETS = [ipaddress.ip_network(n) for n in
            ("198.51.100.0/24", "203.0.113.0/24", "192.168.11.0/24", "100.64.0.0/10", "224.0.0.0/4")]

# what each profile is; "nd" = what turnutils_natdiscovery says in the lab self-check
PROFILES = {
    "open":            dict(upnp=False, mapping="no-nat", filtering="endpoint-independent", classic="open-internet",
                            nd=("no-nat", "endpoint-independent")),
    "full-cone":       dict(upnp=True, mapping="endpoint-independent", filtering="endpoint-independent",
                            classic="full-cone", nd=("endpoint-independent", "endpoint-independent")),
    "restricted-cone": dict(upnp=True, mapping="endpoint-independent", filtering="address-dependent",
                            classic="restricted-cone", nd=("endpoint-independent", "address-dependent")),
    "port-restricted": dict(upnp=True, mapping="endpoint-independent", filtering="address-and-port-dependent",
                            classic="port-restricted-cone",
                            nd=("endpoint-independent", "address-and-port-dependent"), extras=True),
    # masquerade fully-random: a new external port for every destination, so
    # address-and-port-dependent; address-dependent mapping is not accepted here
    "symmetric":       dict(upnp=True, mapping="address-and-port-dependent", filtering="address-and-port-dependent",
                            classic="symmetric", nd=("address-and-port-dependent", "address-and-port-dependent")),
    "udp-blocked":     dict(upnp=True, mapping="unknown", filtering="unknown", classic="udp-blocked",
                            nd=("no-udp", "no-udp")),
    "cgnat":           dict(upnp=True, mapping="endpoint-independent", filtering="address-and-port-dependent",
                            classic="port-restricted-cone",
                            nd=("endpoint-independent", "address-and-port-dependent")),
    # the same carrier NAT behind a router that speaks no UPnP, NAT-PMP or PCP:
    # the first hop beyond the gateway (100.64.0.1) is the evidence
    "cgnat-hops":      dict(lab="cgnat", upnp=False, mapping="endpoint-independent",
                            filtering="address-and-port-dependent", classic="port-restricted-cone",
                            nd=("endpoint-independent", "address-and-port-dependent")),
}


# ----------------------------------------------------------------------------- helpers run inside a namespace
def helper(argv):
    kind = argv[0]
    if kind == "tcp-listen":                       # PORT SECONDS: accept and close, report each peer
        port, seconds = int(argv[1]), float(argv[2])
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(16)
        print("ready", flush=True)
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                c, a = s.accept()
            except socket.timeout:
                break
            print("accepted %s:%d" % a, flush=True)
            c.close()
        return 0
    if kind == "connect":                          # IP PORT TIMEOUT -> {"state": open|refused|filtered}
        ip, port, timeout = argv[1], int(argv[2]), float(argv[3])
        try:
            socket.create_connection((ip, port), timeout=timeout).close()
            st = "open"
        except ConnectionRefusedError:
            st = "refused"
        except (socket.timeout, OSError):
            st = "filtered"
        print(json.dumps({"state": st}))
        return 0
    if kind == "http":                             # URL -> body
        import urllib.request
        with urllib.request.urlopen(argv[1], timeout=float(argv[2]) if len(argv) > 2 else 5) as r:
            sys.stdout.write(r.read(65536).decode())
        return 0
    if kind == "natpmp-address":                   # GW -> {"result": N, "address": ...}
        r = udp_exchange(argv[1], 5351, struct.pack("!BB", 0, 0))
        out = {"result": None}
        if r and len(r) >= 12:
            out = {"result": struct.unpack("!H", r[2:4])[0], "address": socket.inet_ntoa(r[8:12])}
        print(json.dumps(out))
        return 0
    if kind == "natpmp-map":                       # GW PROTO PORT LIFETIME (0 deletes)
        op = 1 if argv[2] == "udp" else 2
        port, life = int(argv[3]), int(argv[4])
        r = udp_exchange(argv[1], 5351, struct.pack("!BBHHHI", 0, op, 0, port, port if life else 0, life))
        out = {"result": None}
        if r and len(r) >= 16:
            _, _, res, _, iport, eport, lt = struct.unpack("!BBHIHHI", r[:16])
            out = {"result": res, "internal_port": iport, "external_port": eport, "lifetime": lt}
        print(json.dumps(out))
        return 0
    if kind in ("pcp-announce", "pcp-map"):        # GW CLIENT [PROTO PORT LIFETIME NONCE]
        gw, client = argv[1], argv[2]
        v4 = lambda ip: b"\0" * 10 + b"\xff\xff" + socket.inet_aton(ip)
        if kind == "pcp-announce":
            req = struct.pack("!BBHI", 2, 0, 0, 0) + v4(client)
        else:
            proto, port, life, nonce = argv[3], int(argv[4]), int(argv[5]), bytes.fromhex(argv[6])
            req = (struct.pack("!BBHI", 2, 1, 0, life) + v4(client) + nonce +
                   struct.pack("!B3xHH", 17 if proto == "udp" else 6, port, port) + v4("0.0.0.0"))
        r = udp_exchange(gw, 5351, req, src=client)
        out = {"result": None}
        if r and len(r) >= 24:
            out = {"result": r[3], "opcode": r[1] & 0x7f, "lifetime": struct.unpack("!I", r[4:8])[0]}
            if kind == "pcp-map" and len(r) >= 60:
                out["external_port"] = struct.unpack("!H", r[42:44])[0]
                out["external_address"] = socket.inet_ntoa(r[56:60])
        print(json.dumps(out))
        return 0
    sys.exit("unknown helper %s" % kind)


def udp_exchange(gw, port, req, src=None, tries=4, first=0.25):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if src:
            s.bind((src, 0))
        s.connect((gw, port))
        t = first
        for _ in range(tries):
            s.send(req)
            s.settimeout(t)
            try:
                return s.recv(1100)
            except socket.timeout:
                t *= 2
            except ConnectionRefusedError:
                return None
        return None
    finally:
        s.close()


# ----------------------------------------------------------------------------- TAP
class Results:
    """TAP lines of one profile, printed together (profiles may run in parallel)."""

    def __init__(self, profile):
        self.profile = profile
        self.items = []     # (ok, name, [diagnostic lines])

    def check(self, ok, name, expected=None, got=None, note=None):
        diag = []
        if not ok:
            if expected is not None:
                diag.append("expected: %s" % expected)
            if got is not None:
                diag.append("got:      %s" % got)
        if note:
            diag.extend(str(note).splitlines())
        self.items.append((bool(ok), "%s: %s" % (self.profile, name), diag))
        return bool(ok)

    def info(self, text):
        self.items.append((None, text, []))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.lock = threading.Lock()

    def emit(self, results):
        with self.lock:
            for ok, name, diag in results.items:
                if ok is None:
                    print("# " + name)
                    continue
                self.n += 1
                if not ok:
                    self.failed += 1
                print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
                for d in diag:
                    print("#   " + d[:2000])
            sys.stdout.flush()


# ----------------------------------------------------------------------------- process plumbing
class Cmd:
    def __init__(self, rc, out, err, wall):
        self.rc, self.out, self.err, self.wall = rc, out, err, wall

    def brief(self):
        tail = (self.err or self.out or "").strip().splitlines()[-3:]
        return "exit %s after %.2f s%s" % (self.rc, self.wall, (": " + " | ".join(tail)) if tail else "")


def run(argv, timeout, env=None):
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL)
        return Cmd(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return Cmd("timeout(%gs)" % timeout, out, err, time.monotonic() - t0)
    except OSError as e:
        return Cmd("oserror", "", str(e), time.monotonic() - t0)


LABS = set()
LABS_LOCK = threading.Lock()
STOPPING = threading.Event()     # set on SIGINT/SIGTERM: no new lab comes up


class Lab:
    def __init__(self, profile, prefix, upnp):
        self.profile, self.prefix, self.upnp = profile, prefix, upnp
        self.env = {}
        self.bg = []
        self.up_args = []       # more options of "netlab up"

    def up(self):
        with LABS_LOCK:
            if STOPPING.is_set():
                return Cmd("stopped", "", "interrupted before the lab came up", 0.0)
            LABS.add(self.prefix)
        args = [NETLAB, "up", self.profile, "--prefix", self.prefix, "--ttl", "900", "-q"]
        if self.upnp:
            args.append("--upnp")
        args += self.up_args
        c = run(args, 90)
        if c.rc != 0:
            return c
        e = run([NETLAB, "env", "--prefix", self.prefix], 20)
        for line in e.out.splitlines():
            k, _, v = line.partition("=")
            self.env[k] = v
        return c

    def down(self):
        for p in self.bg:
            stop_proc(p)
        self.bg = []
        with LABS_LOCK:
            if self.prefix not in LABS:
                return None
            LABS.discard(self.prefix)
        return run([NETLAB, "down", "--prefix", self.prefix, "-q"], 60)

    def ns(self, role):
        return {"lan": self.env.get("NETLAB_NS_LAN"), "inet": self.env.get("NETLAB_NS_INET"),
                "rtr": self.env.get("NETLAB_NS_ROUTER"), "cgn": self.env.get("NETLAB_NS_CGN")}[role]

    def x(self, role, argv, timeout):
        return run(["ip", "netns", "exec", self.ns(role)] + argv, timeout)

    def helper(self, role, argv, timeout=15):
        c = self.x(role, [PY, SELF, "--helper"] + argv, timeout)
        try:
            return json.loads(c.out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"error": c.brief()}

    def listen(self, port, seconds):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns("lan"), PY, SELF, "--helper", "tcp-listen",
                              str(port), str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, text=True)
        self.bg.append(p)
        p.stdout.readline()     # "ready"
        return p

    def upnpc(self, args, timeout=20):
        return self.x("lan", ["upnpc", "-i", "-u", IGD_URL] + args, timeout)


def stop_proc(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(3)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(3)
    return p.stdout.read() if p.stdout else ""


# ----------------------------------------------------------------------------- Sesame
class Sesame:
    def __init__(self):
        self.cli = os.environ.get("SESAME_CLI", "")
        self.problem = None
        if not self.cli:
            self.problem = "sesame-cli probe not available: SESAME_CLI is not set"
        elif not os.access(self.cli, os.X_OK):
            self.problem = "sesame-cli probe not available: SESAME_CLI=%s is not executable" % self.cli

    def probe_argv(self, ports=(), deadline_ms=DEADLINE_MS, servers=None):
        if servers is None:
            servers = ["--stun", STUN1 + ":3478", "--stun", STUN2 + ":3478",
                       "--ip-url", HTTP + "/ip", "--check-url", HTTP + "/check?port={port}&proto={proto}"]
        a = [self.cli, "probe", "--json", "--no-defaults"] + servers
        for p in ports:
            a += ["--port", p]
        return a + ["--deadline-ms", str(deadline_ms)]

    def probe(self, lab, ports=(), deadline_ms=DEADLINE_MS, servers=None):
        """-> (json or None, Cmd, why-not); servers: the options naming them (default: coturn and the lab's HTTP)"""
        if self.problem:
            return None, None, self.problem
        c = lab.x("lan", self.probe_argv(ports, deadline_ms, servers), deadline_ms / 1000.0 + 15)
        if c.rc != 0:
            why = "sesame-cli probe failed: " + c.brief()
            if c.rc == 2 or re.search(r"unknown (command|option)|usage", c.err or "", re.I):
                why = "sesame-cli probe not available (%s)" % c.brief()
            return None, c, why
        try:
            j = json.loads(c.out)
        except ValueError as e:
            return None, c, "sesame-cli probe printed no JSON (%s): %r" % (e, c.out[:300])
        if not isinstance(j, dict):
            return None, c, "sesame-cli probe JSON is not an object"
        return j, c, None

    def map(self, lab, args, timeout=30):
        if self.problem:
            return Cmd("n/a", "", self.problem.replace("probe", "map"), 0.0)
        return lab.x("lan", [self.cli, "map"] + args, timeout)


def get(j, path, default=None):
    cur = j
    for k in path.split("."):
        if not isinstance(cur, dict) or k not in cur:
            return default
        cur = cur[k]
    return cur


def find_mapping(obj, port, proto="tcp"):
    """any object in obj (recursively) that names this external port and protocol"""
    if isinstance(obj, dict):
        p = obj.get("external_port", obj.get("port"))
        pr = str(obj.get("protocol", obj.get("proto", ""))).lower()
        if p == port and pr == proto:
            return obj
        for v in obj.values():
            r = find_mapping(v, port, proto)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = find_mapping(v, port, proto)
            if r is not None:
                return r
    return None


def natdiscovery_verdict(out):
    """-> (mapping, filtering) in the vocabulary of Sesame's JSON, or no-udp"""
    txt = " ".join(re.findall(r"(No NAT[^\n]*|NAT with [^\n]*)", out))
    mapping = filtering = "no-udp"
    if "No NAT" in txt:
        mapping = "no-nat"
    else:
        for k, v in (("Address and Port Dependent Mapping", "address-and-port-dependent"),
                     ("Address Dependent Mapping", "address-dependent"),
                     ("Endpoint Independent Mapping", "endpoint-independent")):
            if k in txt:
                mapping = v
                break
    for k, v in (("Address and Port Dependent Filtering", "address-and-port-dependent"),
                 ("Address Dependent Filtering", "address-dependent"),
                 ("Endpoint Independent Filtering", "endpoint-independent")):
        if k in txt:
            filtering = v
            break
    return mapping, filtering


def outside_lab(entries):
    """servers_contacted entries that name anything outside the lab: an IPv4 address
    outside the lab's ranges, or a host name (--no-defaults: there should be none)"""
    bad = []
    for e in entries if isinstance(entries, list) else [entries]:
        s = str(e)
        for tok in re.split(r"[\s,;()\[\]<>\"']+", s):
            host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", tok, flags=re.I).split("/")[0].split("?")[0]
            host = re.sub(r":\d+$", "", host)
            if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host):
                try:
                    ok = any(ipaddress.ip_address(host) in n for n in LAB_NETS)
                except ValueError:
                    ok = False
            else:
                ok = not re.fullmatch(r"([a-z0-9-]+\.)+[a-z][a-z0-9-]*\.?", host, re.I)
            if not ok:
                bad.append(s)
                break
    return bad


# ----------------------------------------------------------------------------- one profile
def run_profile(idx, profile, sesame):
    spec = PROFILES[profile]
    R = Results(profile)
    prefix = "sp%d-%d" % (os.getpid() % 100000, idx)
    lab = Lab(spec.get("lab", profile), prefix, spec["upnp"])
    t_start = time.monotonic()
    try:
        c = lab.up()
        if not R.check(c.rc == 0, "lab up (%s%s, prefix %s)" % (profile, " --upnp" if spec["upnp"] else "", prefix),
                       "netlab up exits 0", c.brief()):
            return R
        client, gw, public = lab.env["NETLAB_CLIENT_IP"], lab.env["NETLAB_GATEWAY"], lab.env["NETLAB_PUBLIC_IP"]
        router_ext = lab.env.get("NETLAB_UPNP_EXTERNAL") or None
        exp_router_ext = CGN_WAN if profile == "cgnat" else PUBLIC
        lab_ok = selfcheck(R, lab, spec, client, gw, public, exp_router_ext)
        if not lab_ok:
            R.info("%s: the lab self-check failed: Sesame's results below may be the lab's fault" % profile)

        j, c, why = sesame.probe(lab)
        if R.check(j is not None, "sesame-cli probe runs and prints JSON", "exit 0 and a JSON object", why):
            R.info("%s: probe took %.2f s wall, elapsed_ms %s, nat.elapsed_ms %s" % (
                profile, c.wall, j.get("elapsed_ms"), get(j, "nat.elapsed_ms")))
        before = sum(1 for ok, _, _ in R.items if ok is False)
        check_probe(R, j, why, c, spec, profile, client, gw, public, exp_router_ext)
        if j is not None and sum(1 for ok, _, _ in R.items if ok is False) > before:
            R.info("%s: probe JSON: %s" % (profile, json.dumps(j, separators=(",", ":"))[:6000]))

        forwarded_ports_check(R, lab, sesame, profile)
        if profile == "udp-blocked":
            short_deadline(R, lab, sesame)
        if spec.get("extras"):
            own_reflector_check(R, lab, sesame, spec, profile)
            ports_check(R, lab, sesame, client)
            map_checks(R, lab, sesame, client)
    except Exception as e:        # a bug here must not leave the lab up nor hide the rest
        R.check(False, "test driver", "no exception", "%s: %s" % (type(e).__name__, e))
    finally:
        d = lab.down()
        if d is not None:
            R.check(d.rc == 0, "lab down", "netlab down exits 0", d.brief())
        R.info("%s: %.1f s in all" % (profile, time.monotonic() - t_start))
    return R


def selfcheck(R, lab, spec, client, gw, public, exp_router_ext):
    ok = True
    c = lab.x("lan", [PY, SELF, "--helper", "http", HTTP + "/ip"], 10)
    try:
        got = json.loads(c.out).get("ip")
    except ValueError:
        got = c.brief()
    ok &= R.check(got == public, "lab self-check: GET /ip from the LAN", public, got)

    c = lab.x("lan", ["turnutils_natdiscovery", "-m", "-f", "-L", client, STUN1], 40)
    verdict = natdiscovery_verdict(c.out)
    nd_ok = verdict == spec["nd"]
    if spec["nd"] == ("no-udp", "no-udp"):
        nd_ok = nd_ok and "STUN receive timeout" in c.out
    ok &= R.check(nd_ok, "lab self-check: turnutils_natdiscovery -m -f (%.1f s)" % c.wall,
                  "mapping %s, filtering %s" % spec["nd"], "mapping %s, filtering %s (%s)" % (verdict + (c.brief(),)))

    if spec["upnp"]:
        c = lab.upnpc(["-s"])
        m = re.search(r"ExternalIPAddress = ([0-9.]*)", c.out)
        got = m.group(1) if m else c.brief()
        ok &= R.check(got == exp_router_ext, "lab self-check: UPnP IGD external address (upnpc -s)", exp_router_ext, got)
        r = lab.helper("lan", ["natpmp-address", gw])
        ok &= R.check(r.get("result") == 0 and r.get("address") == exp_router_ext,
                      "lab self-check: NAT-PMP external address", "result 0, %s" % exp_router_ext, r)
        r = lab.helper("lan", ["pcp-announce", gw, client])
        ok &= R.check(r.get("result") == 0 and r.get("opcode") == 0, "lab self-check: PCP ANNOUNCE answered",
                      "result 0", r)
    return ok


def check_probe(R, j, why, c, spec, profile, client, gw, public, exp_router_ext):
    """the assertion groups on one probe's JSON; without JSON each fails with the reason"""
    def group(name, fn):
        if j is None:
            R.check(False, name, note="no probe result: %s" % why)
            return
        try:
            ok, expected, got = fn()
        except Exception as e:
            ok, expected, got = False, "well-formed JSON", "%s: %s" % (type(e).__name__, e)
        R.check(ok, name, expected, got)

    group("JSON version 1", lambda: (j.get("version") == 1, 1, j.get("version")))

    def local():
        got = (get(j, "local.address"), get(j, "local.gateway"))
        return got == (client, gw), (client, gw), got
    group("local address and gateway", local)

    def external():
        got = get(j, "external.ipv4")
        srcs = get(j, "external.sources") or []
        methods = {s.get("method") for s in srcs if isinstance(s, dict)}
        wrong = []
        for s in srcs:
            if not isinstance(s, dict) or s.get("error") is not None or s.get("address") is None:
                continue
            want = public if s.get("method") in ("stun", "http") else exp_router_ext
            if s.get("address") != want:
                wrong.append(s)
        good_stun = [s for s in srcs if isinstance(s, dict) and s.get("method") == "stun" and s.get("address") == public]
        good_http = [s for s in srcs if isinstance(s, dict) and s.get("method") == "http" and s.get("address") == public]
        exp_stun = profile != "udp-blocked"
        ok = got == public and not wrong and bool(good_http) and (bool(good_stun) == exp_stun)
        return (ok, "ipv4 %s; http source %s%s; no source with another address (router sources: %s)" % (
            public, public, ("; stun source " + public) if exp_stun else "; no stun answer", exp_router_ext),
            "ipv4 %s; methods %s; disagreeing %s" % (got, sorted(m for m in methods if m), wrong))
    group("external address", external)

    def nat():
        got = {k: get(j, "nat." + k) for k in ("mapping", "filtering", "classic")}
        want = {k: spec[k] for k in ("mapping", "filtering", "classic")}
        ok = got == want
        if profile == "udp-blocked":
            ok = ok and bool(get(j, "nat.reason"))
            want["reason"] = "(a reason)"
            got["reason"] = get(j, "nat.reason")
        return ok, want, got
    group("NAT classification", nat)

    group("hairpinning not claimed (the lab does not hairpin)",
          lambda: (get(j, "nat.hairpinning") is not True, "false or null", get(j, "nat.hairpinning")))

    def timing():
        el, nel = j.get("elapsed_ms"), get(j, "nat.elapsed_ms")
        ok = (isinstance(el, int) and 0 <= el < DEADLINE_MS and isinstance(nel, int) and 0 <= nel <= el
              and c.wall < DEADLINE_MS / 1000.0 + WALL_SLACK)
        return ok, "elapsed_ms < %d, nat.elapsed_ms <= elapsed_ms, wall < %.1f s" % (
            DEADLINE_MS, DEADLINE_MS / 1000.0 + WALL_SLACK), "elapsed_ms %s, nat.elapsed_ms %s, wall %.2f s" % (
            el, nel, c.wall)
    group("within the deadline (--deadline-ms %d)" % DEADLINE_MS, timing)

    def access():
        got = {k: get(j, "access." + k) for k in ("double_nat", "cgnat", "wan_address")}
        if profile == "cgnat":
            want = {"double_nat": True, "cgnat": True, "wan_address": CGN_WAN}
            return got == want, want, got
        if profile == "cgnat-hops":
            want = {"double_nat": True, "cgnat": True, "wan_address": None, "second hop": "100.64.0.1"}
            hops = get(j, "access.hops") or []
            got["second hop"] = hops[1] if len(hops) > 1 else None
            return got == want, want, got
        ok = got["double_nat"] is False and got["cgnat"] is False and got["wan_address"] in (None, public)
        return ok, "double_nat false, cgnat false, wan_address null or %s" % public, got
    group("access (double NAT, CGNAT, WAN address)", access)

    def router():
        want_found = spec["upnp"]
        got = {"upnp.found": get(j, "router.upnp.found"), "natpmp.found": get(j, "router.natpmp.found"),
               "pcp.found": get(j, "router.pcp.found")}
        want = {"upnp.found": want_found, "natpmp.found": want_found, "pcp.found": want_found}
        if want_found:
            for k in ("upnp.external_address", "natpmp.external_address"):
                got[k] = get(j, "router." + k)
                want[k] = exp_router_ext
            for k, v in (("upnp.manufacturer", "Sesame Lab"), ("upnp.model", "netlab IGD")):
                got[k] = get(j, "router." + k)
                want[k] = v
            got["upnp.mappings is a list"] = isinstance(get(j, "router.upnp.mappings"), list)
            want["upnp.mappings is a list"] = True
        return got == want, want, got
    group("router (UPnP IGD, NAT-PMP, PCP)", router)

    def contacted():
        sc = j.get("servers_contacted")
        bad = outside_lab(sc) if isinstance(sc, list) else ["servers_contacted is not a list: %r" % (sc,)]
        return not bad and bool(sc), "a non-empty list naming only lab addresses", bad or sc
    group("servers_contacted only inside the lab", contacted)


def short_deadline(R, lab, sesame):
    j, c, why = sesame.probe(lab, deadline_ms=SHORT_DEADLINE_MS)
    name = "--deadline-ms %d ends in time with unknowns and reasons" % SHORT_DEADLINE_MS
    if j is None:
        R.check(False, name, note="no probe result: %s" % why)
        return
    got = {"wall_s": round(c.wall, 3), "elapsed_ms": j.get("elapsed_ms"), "mapping": get(j, "nat.mapping"),
           "filtering": get(j, "nat.filtering"), "classic": get(j, "nat.classic"), "reason": get(j, "nat.reason")}
    el = got["elapsed_ms"]
    R.info("%s: --deadline-ms %d probe: wall %.3f s, elapsed_ms %s" % (lab.profile, SHORT_DEADLINE_MS, c.wall, el))
    ok = (c.wall <= SHORT_WALL_LIMIT and isinstance(el, int) and el <= SHORT_DEADLINE_MS + 100
          and got["mapping"] == "unknown" and got["filtering"] == "unknown"
          and got["classic"] in ("udp-blocked", "unknown") and bool(got["reason"]))
    R.check(ok, name, "wall <= %.2f s, elapsed_ms <= %d, mapping and filtering unknown, classic udp-blocked or "
            "unknown, a reason" % (SHORT_WALL_LIMIT, SHORT_DEADLINE_MS + 100), got)


def port_entry(j, port):
    for p in (j or {}).get("ports") or []:
        if isinstance(p, dict) and p.get("port") == port and str(p.get("protocol", "")).lower() == "tcp":
            return p
    return None


def ports_check(R, lab, sesame, client):
    lst = lab.listen(CHECK_PORT, 60)
    try:
        # no mapping
        j, c, why = sesame.probe(lab, ports=["tcp/%d" % CHECK_PORT])
        name = "ports: tcp/%d listening, no mapping -> absent and not reachable" % CHECK_PORT
        if j is None:
            R.check(False, name, note="no probe result: %s" % why)
        else:
            e = port_entry(j, CHECK_PORT)
            got = {k: (e or {}).get(k) for k in ("listening", "router_mapping", "reachable")}
            R.check(e is not None and got["listening"] is True and got["router_mapping"] == "absent"
                    and got["reachable"] in ("filtered", "refused"), name,
                    {"listening": True, "router_mapping": "absent", "reachable": "filtered or refused"},
                    got if e else j.get("ports"))
        # the lab maps it (UPnP), checked with the lab's own tools first
        c = lab.upnpc(["-a", client, str(CHECK_PORT), str(CHECK_PORT), "TCP"])
        r = lab.x("lan", [PY, SELF, "--helper", "http", "%s/check?port=%d&proto=tcp" % (HTTP, CHECK_PORT)], 10)
        try:
            state = json.loads(r.out).get("state")
        except ValueError:
            state = r.brief()
        R.check("is redirected to internal" in c.out and state == "open",
                "lab self-check: upnpc -a %s %d %d TCP, then /check says open" % (client, CHECK_PORT, CHECK_PORT),
                "mapping added, state open", "upnpc: %s; /check: %s" % (c.brief(), state))
        j, c, why = sesame.probe(lab, ports=["tcp/%d" % CHECK_PORT])
        name = "ports: tcp/%d after upnpc -a -> present and open" % CHECK_PORT
        if j is None:
            R.check(False, name, note="no probe result: %s" % why)
        else:
            e = port_entry(j, CHECK_PORT)
            got = {k: (e or {}).get(k) for k in ("listening", "router_mapping", "reachable")}
            want = {"listening": True, "router_mapping": "present", "reachable": "open"}
            R.check(got == want, name, want, got if e else j.get("ports"))
            m = find_mapping(get(j, "router.upnp.mappings"), CHECK_PORT)
            want = {"protocol": "tcp", "external_port": CHECK_PORT, "internal_address": client, "internal_port": CHECK_PORT}
            got = {k: (m or {}).get(k) for k in want}
            R.check(got == want, "router.upnp.mappings lists the tcp/%d mapping" % CHECK_PORT, want,
                    got if m else get(j, "router.upnp.mappings"))
        lab.upnpc(["-d", str(CHECK_PORT), "TCP"])
    finally:
        stop_proc(lst)
        lab.bg.remove(lst)


def port_entry_of(j, proto, port):
    for p in (j or {}).get("ports") or []:
        if isinstance(p, dict) and p.get("port") == port and str(p.get("protocol", "")).lower() == proto:
            return p
    return None


def forward_by_hand(lab, role, wan_if, wan_ip, to_ip):
    """what a person enters on the router's forwarding page: TCP FWD_TCP and UDP FWD_UDP to to_ip"""
    out = []
    for proto, port in (("tcp", FWD_TCP), ("udp", FWD_UDP)):
        c = lab.x(role, ["nft", "add", "rule", "ip", "netlab", "prerouting", "iifname", wan_if, "ip", "daddr", wan_ip,
                         proto, "dport", str(port), "dnat", "to", to_ip], 10)
        out.append(c)
    return all(c.rc == 0 for c in out), " | ".join(c.brief() for c in out)


def forwarded_ports_check(R, lab, sesame, profile):
    """TCP FWD_TCP and UDP FWD_UDP, where nothing listens: Sesame listens itself for the
    check, and the reflector (the lab's HTTP service) tells: filtered before the router
    forwards them, open after (UDP never through udp-blocked; with a carrier NAT, only
    once the carrier forwards too). Every probe here has the reflector alone for all
    three servers: its STUN (3480, RFC 5780) must make Sesame classify the NAT as the
    profile is, as coturn does in the first probe."""
    service = lab.env.get("NETLAB_HTTP_SERVICE")
    ports = ["tcp/%d" % FWD_TCP, "udp/%d" % FWD_UDP]
    spec = PROFILES[profile]
    classified = []

    def probe_ports(stage, want):
        j, c, why = sesame.probe(lab, ports=ports, servers=REFLECTOR_SERVERS)
        name = "forwarded ports %s: tcp/%d %s, udp/%d %s, checked by the %s" % (
            stage, FWD_TCP, want["tcp"], FWD_UDP, want["udp"], service)
        if not classified:
            classified.append(True)
            nat_name = "NAT classification through the reflector's own STUN (%s:3480)" % STUN1
            if j is None:
                R.check(False, nat_name, note="no probe result: %s" % why)
            else:
                got = {k: get(j, "nat." + k) for k in ("mapping", "filtering", "classic")}
                got["STUN server"] = [s.get("server") for s in get(j, "external.sources") or []
                                      if isinstance(s, dict) and s.get("method") == "stun"]
                exp = {k: spec[k] for k in ("mapping", "filtering", "classic")}
                exp["STUN server"] = [STUN1 + ":3480"]
                R.check(got == exp and service == "sesame-reflector", nat_name, exp, got,
                        note=None if got == exp else "nat: %s" % json.dumps(j.get("nat")))
        if j is None:
            R.check(False, name, note="no probe result: %s" % why)
            return
        got, exp = {}, {}
        for proto, port in (("tcp", FWD_TCP), ("udp", FWD_UDP)):
            e = port_entry_of(j, proto, port) or {}
            got[proto] = {k: e.get(k) for k in ("listening", "temporary_listener", "reachable")}
            got[proto]["checked_by"] = e.get("checked_by")
            exp[proto] = {"listening": False, "temporary_listener": True, "reachable": want[proto],
                          "checked_by": "198.51.100.1 (http)"}
        R.check(got == exp and service == "sesame-reflector", name, exp, got,
                note=None if got == exp else json.dumps(j.get("ports")))

    if profile == "open":
        probe_ports("without NAT", {"tcp": "open", "udp": "open"})
        return
    probe_ports("not forwarded", {"tcp": "filtered", "udp": "filtered"})

    ok, brief = forward_by_hand(lab, "rtr", "wan0", lab.env["NETLAB_ROUTER_WAN_IP"], lab.env["NETLAB_CLIENT_IP"])
    if not R.check(ok, "lab: the router forwards tcp/%d and udp/%d to the client" % (FWD_TCP, FWD_UDP),
                   "nft exits 0", brief):
        return
    udp_want = "filtered" if profile == "udp-blocked" else "open"
    if lab.env.get("NETLAB_NS_CGN"):
        probe_ports("forwarded on the home router only (carrier NAT in front)",
                    {"tcp": "filtered", "udp": "filtered"})
        ok, brief = forward_by_hand(lab, "cgn", "out0", PUBLIC, CGN_WAN)
        if not R.check(ok, "lab: the carrier NAT forwards tcp/%d and udp/%d to the home router" % (FWD_TCP, FWD_UDP),
                       "nft exits 0", brief):
            return
        probe_ports("forwarded on both NATs", {"tcp": "open", "udp": udp_want})
        return
    probe_ports("forwarded", {"tcp": "open", "udp": udp_want})


def own_reflector_check(R, lab, sesame, spec, profile):
    """A second sesame-reflector, started as a person would (its default ports) on two more
    internet addresses, and `sesame-cli probe --reflector HOST` alone: the external address,
    the NAT type, TCP FWD_TCP and UDP FWD_UDP (forwarded by now) open, each checked by it, and
    the servers contacted are the reflector's addresses (and this network's own public
    address, where the hairpinning test sends) and nothing else."""
    reflector = os.environ.get("NETLAB_REFLECTOR")
    name = "probe --reflector %s alone: external address, NAT type, tcp/%d and udp/%d open, " \
           "only the reflector contacted" % (OWN_REFLECTOR, FWD_TCP, FWD_UDP)
    if not reflector:
        R.check(False, name, note="no sesame-reflector (SESAME_REFLECTOR is not set)")
        return
    for a in (OWN_REFLECTOR, OWN_REFLECTOR_OTHER):
        c = lab.x("inet", ["ip", "addr", "add", a + "/32", "dev", "lo"], 10)
        if not R.check(c.rc == 0, "lab: %s on the internet's loopback" % a, "ip exits 0", c.brief()):
            return
    log = tempfile.TemporaryFile("w+")
    p = subprocess.Popen(["ip", "netns", "exec", lab.ns("inet"), reflector, "--address", OWN_REFLECTOR,
                          "--other-address", OWN_REFLECTOR_OTHER], stdout=log, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    lab.bg.append(p)
    try:
        ready = False
        for _ in range(50):
            c = lab.x("inet", ["ss", "-Hltn"], 5)
            if "%s:8080" % OWN_REFLECTOR in c.out or p.poll() is not None:
                ready = "%s:8080" % OWN_REFLECTOR in c.out
                break
            time.sleep(0.1)
        log.seek(0)
        if not R.check(ready, "lab: a second sesame-reflector on %s and %s, default ports" % (
                OWN_REFLECTOR, OWN_REFLECTOR_OTHER), "listening on %s:8080" % OWN_REFLECTOR, log.read()[-500:]):
            return

        j, c, why = sesame.probe(lab, ports=["tcp/%d" % FWD_TCP, "udp/%d" % FWD_UDP],
                                 servers=["--reflector", OWN_REFLECTOR])
        if j is None:
            R.check(False, name, note="no probe result: %s" % why)
            return
        http = "%s:8080 (http)" % OWN_REFLECTOR
        got = {"external": get(j, "external.ipv4"),
               "sources": sorted((s.get("method"), s.get("server"), s.get("address"))
                                 for s in get(j, "external.sources") or [] if isinstance(s, dict))}
        exp = {"external": PUBLIC,
               "sources": sorted([("http", "http://%s:8080/ip" % OWN_REFLECTOR, PUBLIC),
                                  ("stun", "%s:3478" % OWN_REFLECTOR, PUBLIC)])}
        for k in ("mapping", "filtering", "classic"):
            got[k], exp[k] = get(j, "nat." + k), spec[k]
        for proto, port in (("tcp", FWD_TCP), ("udp", FWD_UDP)):
            e = port_entry_of(j, proto, port) or {}
            got["%s/%d" % (proto, port)] = (e.get("reachable"), e.get("checked_by"))
            exp["%s/%d" % (proto, port)] = ("open", http)
        contacted = j.get("servers_contacted") or []
        hairpin = [e for e in contacted if re.fullmatch(r"%s:\d+ \(STUN XOR-MAPPED-ADDRESS\)" % re.escape(PUBLIC), e)]
        got["servers_contacted"] = sorted(e for e in contacted if e not in hairpin)
        exp["servers_contacted"] = sorted(["%s:3478 (STUN)" % OWN_REFLECTOR, http,
                                           "%s:3478 (STUN OTHER-ADDRESS)" % OWN_REFLECTOR_OTHER,
                                           "%s:3479 (STUN OTHER-ADDRESS)" % OWN_REFLECTOR_OTHER])
        R.check(got == exp, name, exp, got, note=None if got == exp else json.dumps(j)[:3000])
    finally:
        stop_proc(p)
        lab.bg.remove(p)
        log.close()


def lab_sees_mapping(lab, port):
    c = lab.upnpc(["-l"])
    return bool(re.search(r"TCP\s+%d->192\.168\.11\.5:%d\b" % (port, port), c.out)), c


def reach_from_internet(lab, timeout):
    return lab.helper("inet", ["connect", PUBLIC, str(MAP_PORT), str(timeout)], timeout + 10).get("state")


def map_checks(R, lab, sesame, client):
    lst = lab.listen(MAP_PORT, 120)
    gw = lab.env["NETLAB_GATEWAY"]
    try:
        # the lab's own mapping path first: NAT-PMP and PCP requests by this script
        r = lab.helper("lan", ["natpmp-map", gw, "tcp", str(MAP_PORT), "300"])
        st = reach_from_internet(lab, 2) if r.get("result") == 0 else None
        lab.helper("lan", ["natpmp-map", gw, "tcp", str(MAP_PORT), "0"])
        st2 = reach_from_internet(lab, 1)
        R.check(r.get("result") == 0 and st == "open" and st2 == "filtered",
                "lab self-check: NAT-PMP map tcp/%d reachable from the internet, then gone" % MAP_PORT,
                "map result 0, open, then filtered after unmap", "map %s, %s, then %s" % (r, st, st2))
        nonce = os.urandom(12).hex()
        r = lab.helper("lan", ["pcp-map", gw, client, "tcp", str(MAP_PORT), "300", nonce])
        st = reach_from_internet(lab, 2) if r.get("result") == 0 else None
        lab.helper("lan", ["pcp-map", gw, client, "tcp", str(MAP_PORT), "0", nonce])
        st2 = reach_from_internet(lab, 1)
        R.check(r.get("result") == 0 and r.get("external_address") == PUBLIC and st == "open" and st2 == "filtered",
                "lab self-check: PCP MAP tcp/%d reachable from the internet, then gone" % MAP_PORT,
                "result 0, external %s, open, then filtered after delete" % PUBLIC, "map %s, %s, then %s" % (r, st, st2))

        for via in (None, "upnp", "natpmp", "pcp"):
            tag = "map --via %s" % via if via else "map (default method)"
            vargs = ["--via", via] if via else []
            add = sesame.map(lab, ["add", "--protocol", "tcp", "--port", str(MAP_PORT)] + vargs)
            seen, _ = lab_sees_mapping(lab, MAP_PORT)
            lst_cmd = sesame.map(lab, ["list", "--json"])
            try:
                listed = find_mapping(json.loads(lst_cmd.out), MAP_PORT) is not None
            except ValueError:
                listed = False
            reach = reach_from_internet(lab, 2) if add.rc == 0 else None
            R.check(add.rc == 0 and seen and listed and reach == "open",
                    "%s add tcp/%d: the router has it, map list --json shows it, reachable from the internet"
                    % (tag, MAP_PORT),
                    "exit 0, in the router's table, listed, open",
                    "add: %s; router table: %s; list: %s (%s); from the internet: %s" % (
                        add.brief(), seen, listed, lst_cmd.brief(), reach))
            if via is None:
                j, c, why = sesame.probe(lab)
                name = "probe's router.upnp.mappings shows the tcp/%d mapping" % MAP_PORT
                if j is None:
                    R.check(False, name, note="no probe result: %s" % why)
                else:
                    m = find_mapping(get(j, "router.upnp.mappings"), MAP_PORT)
                    want = {"protocol": "tcp", "external_port": MAP_PORT, "internal_address": client,
                            "internal_port": MAP_PORT}
                    got = {k: (m or {}).get(k) for k in want}
                    R.check(got == want, name, want, got if m else get(j, "router.upnp.mappings"))
            rm = sesame.map(lab, ["remove", "--protocol", "tcp", "--port", str(MAP_PORT)] + vargs)
            seen, _ = lab_sees_mapping(lab, MAP_PORT)
            lst_cmd = sesame.map(lab, ["list", "--json"])
            try:
                listed = find_mapping(json.loads(lst_cmd.out), MAP_PORT) is not None
            except ValueError:
                listed = None
            reach = reach_from_internet(lab, 1)
            R.check(rm.rc == 0 and not seen and listed is False and reach == "filtered",
                    "%s remove tcp/%d: gone from the router and the list, no longer reachable" % (tag, MAP_PORT),
                    "exit 0, not in the router's table, not listed, filtered",
                    "remove: %s; router table: %s; listed: %s; from the internet: %s" % (
                        rm.brief(), seen, listed, reach))
            if seen:      # do not let a left-over mapping decide the next round
                lab.upnpc(["-d", str(MAP_PORT), "TCP"])
    finally:
        out = stop_proc(lst)
        lab.bg.remove(lst)
        R.info("listener on %d: %d connection(s) accepted" % (MAP_PORT, out.count("accepted")))


# ----------------------------------------------------------------------------- a UPnP IGD that is not the gateway
# netlab --foreign-igd: another LAN host (192.168.11.7) answers UPnP before the
# router does, claims a carrier-grade NAT address and records every request.
FOREIGN_PORT = 40002


def foreign_actions(lab, action=None):
    """the SOAP requests the foreign IGD has recorded (of one action), or None when its log cannot be read"""
    try:
        with open(lab.env["NETLAB_FOREIGN_IGD_LOG"]) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except (OSError, KeyError, ValueError):
        return None
    return [e for e in entries if "action" in e and (action is None or e["action"] == action)]


def foreign_searches(lab):
    try:
        with open(lab.env["NETLAB_FOREIGN_IGD_LOG"]) as f:
            return sum(1 for line in f if '"search"' in line)
    except (OSError, KeyError):
        return 0


def foreign_log_clear(lab):
    try:
        open(lab.env["NETLAB_FOREIGN_IGD_LOG"], "w").close()
    except (OSError, KeyError):
        pass


def stderr_lines(c):
    return [line for line in (c.err or "").splitlines() if line.strip()]


def foreign_igd_checks(idx, sesame):
    """Sesame among two IGDs, the gateway's and another host's: the gateway's is
    used; when only the other one answers, map add/remove refuse it, naming it,
    and send it nothing unless --igd-host names it; probe lists its claim with its
    address and decides nothing from it (no carrier-grade NAT from 100.64.77.7)."""
    R = Results("foreign-igd")
    t_start = time.monotonic()
    port = str(FOREIGN_PORT)
    try:
        for stage, upnp in (("a", True), ("b", False)):
            lab = Lab("port-restricted", "sp%d-%d%s" % (os.getpid() % 100000, idx, stage), upnp)
            lab.up_args = ["--foreign-igd"]
            try:
                c = lab.up()
                if not R.check(c.rc == 0, "lab up (port-restricted%s --foreign-igd, prefix %s)" % (
                        " --upnp" if upnp else "", lab.prefix), "netlab up exits 0", c.brief()):
                    continue
                foreign = lab.env.get("NETLAB_FOREIGN_IGD")
                claim = lab.env.get("NETLAB_FOREIGN_IGD_EXTERNAL")
                c = lab.x("lan", ["upnpc", "-i", "-u", "http://%s:5000/rootDesc.xml" % foreign, "-s"], 20)
                m = re.search(r"ExternalIPAddress = ([0-9.]*)", c.out)
                R.check(m is not None and m.group(1) == claim and foreign_actions(lab) is not None,
                        "lab self-check: the IGD on %s answers (upnpc -s) and records what it gets" % foreign,
                        claim, m.group(1) if m else c.brief())
                foreign_log_clear(lab)
                if upnp:
                    foreign_gateway_preferred(R, lab, sesame, foreign, port)
                else:
                    foreign_only(R, lab, sesame, foreign, claim, port)
            finally:
                d = lab.down()
                if d is not None:
                    R.check(d.rc == 0, "lab down (%s)" % lab.prefix, "netlab down exits 0", d.brief())
    except Exception as e:        # a bug here must not leave a lab up nor hide the rest
        R.check(False, "test driver", "no exception", "%s: %s" % (type(e).__name__, e))
    R.info("foreign-igd: %.1f s in all" % (time.monotonic() - t_start))
    return R


def foreign_gateway_preferred(R, lab, sesame, foreign, port):
    gw = lab.env["NETLAB_GATEWAY"]
    add = sesame.map(lab, ["add", "--protocol", "tcp", "--port", port])
    seen, _ = lab_sees_mapping(lab, int(port))
    sent = foreign_actions(lab, "AddPortMapping")
    searched = foreign_searches(lab)
    R.check(add.rc == 0 and seen and sent == [] and searched > 0,
            "both IGDs answer: map add tcp/%s goes to the gateway's (%s), none to %s" % (port, gw, foreign),
            "exit 0, in the router's table, the other IGD searched for but sent no AddPortMapping",
            "add: %s; router table: %s; AddPortMapping to %s: %s; searches it saw: %d" % (
                add.brief(), seen, foreign, sent, searched))
    j, c, why = sesame.probe(lab)
    name = "both IGDs answer: probe takes the gateway's (router.upnp host %s, gateway true)" % gw
    if j is None:
        R.check(False, name, note="no probe result: %s" % why)
    else:
        got = {k: get(j, "router.upnp." + k) for k in ("host", "gateway", "external_address")}
        got["access.cgnat"] = get(j, "access.cgnat")
        want = {"host": gw, "gateway": True, "external_address": PUBLIC, "access.cgnat": False}
        R.check(got == want, name, want, got)
    rm = sesame.map(lab, ["remove", "--protocol", "tcp", "--port", port])
    seen, _ = lab_sees_mapping(lab, int(port))
    sent = foreign_actions(lab, "DeletePortMapping")
    R.check(rm.rc == 0 and not seen and sent == [],
            "both IGDs answer: map remove tcp/%s on the gateway's, none to %s" % (port, foreign),
            "exit 0, gone from the router's table, no DeletePortMapping to the other IGD",
            "remove: %s; router table: %s; DeletePortMapping to %s: %s" % (rm.brief(), seen, foreign, sent))
    if seen:
        lab.upnpc(["-d", port, "TCP"])


def foreign_only(R, lab, sesame, foreign, claim, port):
    client = lab.env["NETLAB_CLIENT_IP"]
    for verb in ("add", "remove"):
        action = "AddPortMapping" if verb == "add" else "DeletePortMapping"
        c = sesame.map(lab, [verb, "--protocol", "tcp", "--port", port])
        lines = stderr_lines(c)
        sent = foreign_actions(lab, action)
        R.check(c.rc == 1 and len(lines) == 1 and foreign in lines[0] and "--igd-host" in lines[0]
                and not c.out.strip() and sent == [],
                "only %s answers: map %s refuses it in one line naming it, and sends it no %s" % (foreign, verb, action),
                "exit 1, one line on stderr naming %s and --igd-host, nothing on stdout, no %s" % (foreign, action),
                "%s; stdout %r; %s requests: %s" % (c.brief(), c.out.strip()[:200], action, sent))

    add = sesame.map(lab, ["add", "--protocol", "tcp", "--port", port, "--igd-host", foreign])
    sent = foreign_actions(lab, "AddPortMapping") or []
    args = sent[-1].get("args", {}) if sent else {}
    got = {k: args.get(k) for k in ("NewExternalPort", "NewProtocol", "NewInternalClient")}
    want = {"NewExternalPort": port, "NewProtocol": "TCP", "NewInternalClient": client}
    R.check(add.rc == 0 and len(sent) == 1 and got == want,
            "map add --igd-host %s sends it the AddPortMapping" % foreign,
            "exit 0, one AddPortMapping %s" % want, "add: %s; AddPortMapping requests: %s" % (add.brief(), sent))

    j, c, why = sesame.probe(lab)
    name = "probe lists the IGD on %s with its claim %s (gateway false) and decides nothing from it" % (foreign, claim)
    if j is None:
        R.check(False, name, note="no probe result: %s" % why)
    else:
        got = {k: get(j, "router.upnp." + k) for k in ("host", "gateway", "external_address")}
        got.update({k: get(j, "access." + k) for k in ("cgnat", "double_nat", "wan_address")})
        got["external.ipv4"] = get(j, "external.ipv4")
        got["access.reason names it"] = foreign in str(get(j, "access.reason"))
        want = {"host": foreign, "gateway": False, "external_address": claim,
                "cgnat": got["cgnat"] if got["cgnat"] is not True else "not true",
                "double_nat": got["double_nat"] if got["double_nat"] is not True else "not true",
                "wan_address": None, "external.ipv4": PUBLIC, "access.reason names it": True}
        R.check(got == want, name, want, got, note=None if got == want else json.dumps(j.get("access")))

    rm = sesame.map(lab, ["remove", "--protocol", "tcp", "--port", port, "--igd-host", foreign])
    sent = foreign_actions(lab, "DeletePortMapping") or []
    R.check(rm.rc == 0 and len(sent) == 1, "map remove --igd-host %s sends it the DeletePortMapping" % foreign,
            "exit 0, one DeletePortMapping", "remove: %s; DeletePortMapping requests: %s" % (rm.brief(), sent))


# labs of their own, beside the NAT profiles: name -> function (index, sesame) -> Results
# ----------------------------------------------------------------------------- issue 12: router messages and map
# Two labs of their own: the carrier NAT with a router whose miniupnpd learned
# the public address by STUN (ext_stun_host on the internet), and the map
# corner cases over NAT-PMP/PCP and UPnP.
def cgnat_stun_checks(idx, sesame):
    """cgnat --upnp --upnp-stun internet: the IGD and NAT-PMP report 203.0.113.2,
    PCP refuses. probe finds carrier-grade NAT on every run, counts the
    refusal as an answer and says why the router refuses; with --deadline-ms
    500 the NAT reason names the deadline."""
    R = Results("cgnat-stun")
    t_start = time.monotonic()
    lab = Lab("cgnat", "sp%d-%d" % (os.getpid() % 100000, idx), True)
    lab.up_args = ["--upnp-stun", "internet"]
    try:
        c = lab.up()
        if not R.check(c.rc == 0, "lab up (cgnat --upnp --upnp-stun internet, prefix %s)" % lab.prefix,
                       "netlab up exits 0", c.brief()):
            return R
        c = lab.upnpc(["-s"])
        m = re.search(r"ExternalIPAddress = ([0-9.]*)", c.out)
        R.check(m is not None and m.group(1) == PUBLIC,
                "lab self-check: the router's IGD reports the public address it learned by STUN",
                PUBLIC, m.group(1) if m else c.brief())
        runs = []
        for _ in range(4):
            j, c, why = sesame.probe(lab)
            runs.append(j)
            time.sleep(0.5)
        got = [{"cgnat": get(j, "access.cgnat"), "wan": get(j, "access.wan_address"),
                "hops": get(j, "access.hops")} if j else None for j in runs]
        R.check(all(g and g["cgnat"] is True for g in got),
                "carrier-grade NAT found on each of 4 runs though the IGD reports %s" % PUBLIC,
                "access.cgnat true every run", got)
        j = runs[-1] or {}
        pcp = get(j, "router.pcp") or {}
        R.check(pcp.get("found") is True and "another NAT" in (pcp.get("error") or "")
                and "no resources" not in (pcp.get("error") or ""),
                "PCP's refusal counts as an answer (found) and says the router is behind another NAT",
                "found true, an error naming another NAT, not \"no resources\"", pcp)
        j, c, why = sesame.probe(lab, ports=["tcp/%d" % CHECK_PORT], deadline_ms=500)
        got = {"classic": get(j, "nat.classic"), "reason": get(j, "nat.reason"),
               "ports": get(j, "ports")} if j else why
        reasons = [get(j, "nat.reason") or ""] if j else []
        if j and get(j, "nat.classic") != "unknown":
            reasons = []
        for p in (get(j, "ports") or []) if j else []:
            if p.get("reachable") == "unknown":
                reasons.append(p.get("reason") or "")
        R.check(j is not None and all("deadline" in r and "second address" not in r and " within " not in r
                                      for r in reasons),
                "--deadline-ms 500: what is unknown for want of time names the deadline, not a server",
                "every reason of an unknown names the deadline", got)
    except Exception as e:
        R.check(False, "test driver", "no exception", "%s: %s" % (type(e).__name__, e))
    finally:
        d = lab.down()
        if d is not None:
            R.check(d.rc == 0, "lab down", "netlab down exits 0", d.brief())
        R.info("cgnat-stun: %.1f s in all" % (time.monotonic() - t_start))
    return R


def map_corner_checks(idx, sesame):
    """port-restricted --upnp: a 9001→8080 NAT-PMP mapping removed by --port
    9001; removing a mapping that is not there fails (NAT-PMP, PCP, UPnP);
    map list --via natpmp does not blame UPnP; a 9000→8080 UPnP mapping to
    this computer is not "wrong-host" for 9000, and maps 8080."""
    R = Results("map-corners")
    t_start = time.monotonic()
    lab = Lab("port-restricted", "sp%d-%d" % (os.getpid() % 100000, idx), True)
    state = tempfile.mkdtemp(prefix="sesame-map-")

    def cli_map(args):
        if sesame.problem:
            return Cmd("n/a", "", sesame.problem, 0.0)
        return lab.x("lan", ["env", "XDG_DATA_HOME=" + state, sesame.cli, "map"] + args, 30)

    def router_has(port):
        return bool(re.search(r"TCP\s+%d->192\.168\.11\.5:" % port, lab.upnpc(["-l"]).out))
    try:
        c = lab.up()
        if not R.check(c.rc == 0, "lab up (port-restricted --upnp, prefix %s)" % lab.prefix,
                       "netlab up exits 0", c.brief()):
            return R
        records = os.path.join(state, "sesame", "pmp-mappings.ini")
        for via in ("natpmp", "pcp"):
            add = cli_map(["add", "--protocol", "tcp", "--port", "9001", "--internal-port", "8080", "--via", via])
            if via == "natpmp":
                st = os.lstat(records) if os.path.lexists(records) else None
                kept = open(records).read() if st is not None and stat.S_ISREG(st.st_mode) else ""
                R.check(st is not None and stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
                        and "tcp 9001" in kept and "internal-port=8080" in kept,
                        "map --via natpmp keeps the mapping in $XDG_DATA_HOME/sesame/pmp-mappings.ini, "
                        "a regular file of mode 0600",
                        "a regular file, mode 0600, with tcp 9001 → 8080",
                        "mode %s: %r" % (oct(st.st_mode) if st else None, kept[:200]))
            had = router_has(9001)
            rm = cli_map(["remove", "--protocol", "tcp", "--port", "9001", "--via", via])
            gone = not router_has(9001)
            R.check(add.rc == 0 and had and rm.rc == 0 and gone,
                    "map --via %s: a 9001→8080 mapping is removed by --port 9001" % via,
                    "add and remove exit 0, the router has it, then not",
                    "add %s; on the router %s; remove %s; gone %s" % (add.brief(), had, rm.brief(), gone))
            again = cli_map(["remove", "--protocol", "tcp", "--port", "9001", "--via", via])
            R.check(again.rc == 1 and "Removed" not in again.out and "9001" in again.err,
                    "map --via %s: removing a mapping that is not there fails, naming it" % via,
                    "exit 1, no \"Removed\", one line naming TCP 9001", again.brief())
        # The records are replaced the one way Sesame replaces files: never through a link
        decoy = os.path.join(state, "decoy")
        with open(decoy, "w") as f:
            f.write("not Sesame's\n")
        os.remove(records)
        os.symlink(decoy, records)
        add = cli_map(["add", "--protocol", "tcp", "--port", "9002", "--via", "natpmp"])
        R.check(add.rc == 0 and open(decoy).read() == "not Sesame's\n" and os.path.islink(records),
                "map --via natpmp does not write its records through a symbolic link",
                "add exits 0, the link and what it points to unchanged",
                "add %s; decoy %r; link %s" % (add.brief(), open(decoy).read(), os.path.islink(records)))
        lab.helper("lan", ["natpmp-map", lab.env["NETLAB_GATEWAY"], "tcp", "9002", "0"])
        rm = cli_map(["remove", "--protocol", "tcp", "--port", "9301", "--via", "upnp"])
        R.check(rm.rc == 1 and "Removed" not in rm.out and "9301" in rm.err,
                "map --via upnp: removing a mapping the router does not have fails, naming it",
                "exit 1, no \"Removed\", one line naming TCP 9301", rm.brief())
        ls = cli_map(["list", "--via", "natpmp"])
        R.check(ls.rc == 1 and "did not answer" not in ls.err and "NAT-PMP" in ls.err,
                "map list --via natpmp says NAT-PMP cannot list, not that UPnP did not answer",
                "exit 1, a line about NAT-PMP", ls.brief())
        add = cli_map(["add", "--protocol", "tcp", "--port", "9000", "--internal-port", "8080", "--via", "upnp"])
        j, c, why = sesame.probe(lab, ports=["tcp/9000", "tcp/8080"], servers=["--no-internet"])
        states = {p.get("port"): p.get("router_mapping") for p in (get(j, "ports") or [])} if j else why
        R.check(add.rc == 0 and isinstance(states, dict) and states.get(9000) != "wrong-host"
                and states.get(8080) == "present",
                "a 9000→8080 mapping to this computer: 8080 is mapped, 9000 is not \"wrong-host\"",
                {"9000": "not wrong-host", "8080": "present"}, states)
        cli_map(["remove", "--protocol", "tcp", "--port", "9000", "--via", "upnp"])
    except Exception as e:
        R.check(False, "test driver", "no exception", "%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(state, ignore_errors=True)
        d = lab.down()
        if d is not None:
            R.check(d.rc == 0, "lab down", "netlab down exits 0", d.brief())
        R.info("map-corners: %.1f s in all" % (time.monotonic() - t_start))
    return R


EXTRA_LABS = {"foreign-igd": foreign_igd_checks, "cgnat-stun": cgnat_stun_checks, "map-corners": map_corner_checks}


# ----------------------------------------------------------------------------- main
def no_network(sesame):
    """No network at all: a fast, clear verdict, and no server is even looked up."""
    R = Results("no-network")
    ns = "sp%d-nonet" % (os.getpid() % 100000)
    try:
        r = run(["ip", "netns", "add", ns], 10)
        if not R.check(r.rc == 0, "namespace without a network", "ip netns add exits 0", r.brief()):
            return R
        run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], 10)
        c = run(["ip", "netns", "exec", ns, sesame.cli, "probe", "--json", "--port", "tcp/%d" % CHECK_PORT], 20)
        try:
            j = json.loads(c.out)
        except ValueError:
            j = None
        if not R.check(c.rc == 0 and j is not None, "sesame-cli probe runs without a network",
                       "exit 0 and a JSON object", c.brief()):
            return R
        R.check(j.get("elapsed_ms", 10 ** 6) < 200 and c.wall < 1.0, "the verdict comes at once",
                "elapsed_ms < 200", {"elapsed_ms": j.get("elapsed_ms"), "wall": round(c.wall, 3)})
        R.check(j.get("servers_contacted") == [], "no server is contacted or looked up",
                [], j.get("servers_contacted"))
        reason = get(j, "local.reason") or ""
        R.check("gateway" in reason and get(j, "nat.reason") == reason, "the reason is said plainly",
                "local.reason about the missing gateway, repeated for the NAT test", reason)
        port = (j.get("ports") or [{}])[0]
        R.check(port.get("reachable") == "unknown" and port.get("reason") == reason,
                "ports: unknown, with the reason", "reachable unknown", port)
    finally:
        run(["ip", "netns", "del", ns], 10)
    return R


def skip_all(why):
    print("1..0 # SKIP %s" % why)
    sys.stdout.flush()
    sys.exit(int(os.environ.get("SESAME_SKIP_EXIT", "77")))


class Interrupted(BaseException):
    pass


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--helper":
        sys.exit(helper(sys.argv[2:]))
    if os.geteuid() != 0:
        skip_all("needs root (network namespaces)")
    missing = [t for t in ("ip", "nft", "tc", "ss", "setsid", "turnserver", "turnutils_natdiscovery", "upnpc")
               if shutil.which(t) is None]
    if not os.access("/usr/sbin/miniupnpd", os.X_OK):
        missing.append("/usr/sbin/miniupnpd")
    if not os.access(NETLAB, os.X_OK):
        missing.append(NETLAB)
    if missing:
        skip_all("missing " + ", ".join(missing) + " (packages iproute2 nftables coturn miniupnpd-nftables miniupnpc)")
    r = run(["ip", "netns", "add", "sp%d-probe" % (os.getpid() % 100000)], 10)
    if r.rc != 0:
        skip_all("cannot create a network namespace: " + r.brief())
    run(["ip", "netns", "del", "sp%d-probe" % (os.getpid() % 100000)], 10)

    wanted = [p for p in os.environ.get("NETLAB_PROFILES", ",".join(list(PROFILES) + list(EXTRA_LABS))).split(",")
              if p]
    unknown = [p for p in wanted if p not in PROFILES and p not in EXTRA_LABS]
    if unknown:
        print("Bail out! unknown profile(s) in NETLAB_PROFILES: %s" % ", ".join(unknown))
        sys.exit(1)
    jobs = max(1, int(os.environ.get("NETLAB_JOBS", "2")))
    sesame = Sesame()
    # map keeps what it mapped with NAT-PMP/PCP under XDG_DATA_HOME: not in root's home
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="sesame-probe-data-")
    # the lab's HTTP service (/ip, /check) is Sesame's own reflector when there is one
    if os.environ.get("SESAME_REFLECTOR"):
        os.environ["NETLAB_REFLECTOR"] = os.environ["SESAME_REFLECTOR"]

    def on_signal(signum, _frame):
        raise Interrupted("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    tap = Tap()
    t0 = time.monotonic()
    print("# netlab integration test: profiles %s, %d at a time, SESAME_CLI=%s" % (
        ", ".join(wanted), jobs, sesame.cli or "(unset)"))
    if sesame.problem:
        print("# " + sesame.problem + ": the Sesame checks fail, the lab self-checks run")
    sys.stdout.flush()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    interrupted = False
    futures = []
    try:
        futures = [pool.submit(run_profile, i, p, sesame) if p in PROFILES else pool.submit(EXTRA_LABS[p], i, sesame)
                   for i, p in enumerate(wanted)]
        for f in futures:
            while True:
                try:
                    tap.emit(f.result(timeout=0.5))
                    break
                except concurrent.futures.TimeoutError:
                    continue
        if sesame.cli and not sesame.problem:
            tap.emit(no_network(sesame))
    except Interrupted as e:
        interrupted = True
        print("Bail out! interrupted (%s): taking the labs down" % e)
        for f in futures:
            f.cancel()
    finally:
        # labs whose worker is still busy (interrupted): take them down from here
        with LABS_LOCK:
            STOPPING.set()
            left = list(LABS)
            LABS.clear()
        for prefix in left:
            run([NETLAB, "down", "--prefix", prefix, "-q"], 60)
        pool.shutdown(wait=False, cancel_futures=True)
    if not interrupted:
        print("1..%d" % tap.n)
    print("# %d of %d failed%s; %.1f s" % (tap.failed, tap.n, ", interrupted" if interrupted else "",
                                          time.monotonic() - t0))
    sys.stdout.flush()
    os._exit(1 if tap.failed or interrupted else 0)


if __name__ == "__main__":
    main()
