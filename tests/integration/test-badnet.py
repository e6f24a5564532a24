#!/usr/bin/env python3
"""Integration test (TAP): right answers on bad networks.

`sesame-cli probe` in netlab labs whose internet link is slow, lossy, or whose
STUN server is not a full RFC 5780 one. Every NAT answer must be the right one
or "unknown" with a reason, never another NAT type:

  * 700 ms and 1 s round trips: right, within the default deadline;
  * a 1.5 s round trip: right or unknown with a reason, never "UDP blocked";
  * 30 % loss in each direction (about half the round trips lost): a few runs
    per cone profile, none wrong, most right (the benchmark
    tests/bench/nat-bench.py --bad-links runs enough of them for a rate);
  * a STUN server with one address (no OTHER-ADDRESS): unknown, saying why,
    for an open host and a full cone alike;
  * an RFC 3489 server (MAPPED-ADDRESS, CHANGED-ADDRESS, no RFC 5780): right;
  * jitter (each datagram delayed 50 to 250 ms each way): never wrong;
  * carrier-grade NAT without UPnP found on every one of several runs a
    second apart (the router's ICMP rate limit must not hide the hops).

The one-address and RFC 3489 servers are this script itself
(--stun-responder), run in the lab's internet namespace.

Environment: SESAME_CLI (required), SESAME_SKIP_EXIT (exit status of a skip,
default 77; meson sets 0). Needs root and what netlab needs.
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETLAB = os.path.join(HERE, "netlab")
SELF = os.path.abspath(__file__)
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else (sys.executable or "python3")

STUN_ARGS = ["--stun", "198.51.100.1:3478", "--stun", "198.51.100.2:3478"]
EXPECT = {
    "open": ("no-nat", "endpoint-independent", "open-internet"),
    "full-cone": ("endpoint-independent", "endpoint-independent", "full-cone"),
    "restricted-cone": ("endpoint-independent", "address-dependent", "restricted-cone"),
    "port-restricted": ("endpoint-independent", "address-and-port-dependent", "port-restricted-cone"),
    "cgnat": ("endpoint-independent", "address-and-port-dependent", "port-restricted-cone"),
}
LOSS_RUNS = int(os.environ.get("SESAME_BADNET_LOSS_RUNS", "4"))

# --- a small STUN server: one address, or RFC 3489 --------------------------

COOKIE = 0x2112A442


def stun_responder(mode, ip1, ip2, port1, port2):
    """mode "one": answers on ip1:port1 with XOR-MAPPED-ADDRESS only and
    ignores CHANGE-REQUEST. mode "rfc3489": four sockets, answers with
    MAPPED-ADDRESS, SOURCE-ADDRESS and CHANGED-ADDRESS, from the address and
    port CHANGE-REQUEST asks for."""
    import select
    socks = {}
    pairs = [(ip1, port1)] if mode == "one" else [(ip1, port1), (ip1, port2), (ip2, port1), (ip2, port2)]
    for ip, port in pairs:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((ip, port))
        socks[(ip, port)] = s

    def addr_attr(kind, ip, port, xor=False):
        raw = socket.inet_aton(ip)
        if xor:
            port ^= COOKIE >> 16
            raw = struct.pack("!I", struct.unpack("!I", raw)[0] ^ COOKIE)
        return struct.pack("!HHBBH", kind, 8, 0, 1, port) + raw

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        ready, _, _ = select.select(list(socks.values()), [], [])
        for s in ready:
            data, (src_ip, src_port) = s.recvfrom(2048)
            if len(data) < 20 or struct.unpack("!H", data[:2])[0] != 0x0001:
                continue
            tid = data[4:20]
            change = 0
            pos = 20
            while pos + 4 <= len(data):
                t, length = struct.unpack("!HH", data[pos:pos + 4])
                if t == 0x0003 and length == 4:
                    change = struct.unpack("!I", data[pos + 4:pos + 8])[0]
                pos += 4 + ((length + 3) & ~3)
            here = s.getsockname()
            if mode == "one":
                attrs = addr_attr(0x0020, src_ip, src_port, xor=True)
                out = s
            else:
                ip = (ip2 if here[0] == ip1 else ip1) if change & 4 else here[0]
                port = (port2 if here[1] == port1 else port1) if change & 2 else here[1]
                out = socks[(ip, port)]
                other = (ip2 if here[0] == ip1 else ip1, port2 if here[1] == port1 else port1)
                attrs = (addr_attr(0x0001, src_ip, src_port) + addr_attr(0x0004, ip, port) +
                         addr_attr(0x0005, other[0], other[1]))
            out.sendto(struct.pack("!HH", 0x0101, len(attrs)) + tid + attrs, (src_ip, src_port))


# --- TAP ----------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name), flush=True)
        if not ok:
            self.failed += 1
            if detail is not None:
                print("# %s" % json.dumps(detail, ensure_ascii=True)[:3000], flush=True)

    def info(self, text):
        print("# %s" % text, flush=True)


LABS = []
CHILDREN = []


def run(argv, timeout=60):
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired:
        return "timeout", "", "", time.monotonic() - t0


def has_netem():
    ns = "bnt%d" % (os.getpid() % 100000)
    if run(["ip", "netns", "add", ns])[0] != 0:
        return False
    try:
        return run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem",
                    "delay", "1ms"])[0] == 0
    finally:
        run(["ip", "netns", "del", ns])


IMPAIR = None


def lab_up(profile, prefix, delay=0, loss=0, upnp=False, jitter=0):
    """netlab pins the address resolution across an impaired link itself: with
    30 % loss each way it would fail now and then for seconds"""
    argv = [NETLAB, "up", profile, "--prefix", prefix, "--ttl", "900", "-q"]
    if delay or loss:
        argv += ["--impair", IMPAIR, "--delay", str(delay), "--loss", str(loss)]
    if jitter:
        argv += ["--jitter", str(jitter)]
    if upnp:
        argv.append("--upnp")
    LABS.append(prefix)
    rc, out, err, _ = run(argv, 90)
    if rc != 0:
        raise RuntimeError("netlab up %s failed: %s" % (profile, (err or out).strip()[-400:]))
    rc, out, _, _ = run([NETLAB, "env", "--prefix", prefix], 20)
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return env


def lab_down(prefix):
    if prefix in LABS:
        LABS.remove(prefix)
        run([NETLAB, "down", "--prefix", prefix, "-q"], 60)


def probe(cli, ns, stun=None, extra=()):
    argv = ["ip", "netns", "exec", ns, cli, "probe", "--json", "--no-defaults"] + (stun or STUN_ARGS) + list(extra)
    rc, out, err, wall = run(argv, 30)
    try:
        j = json.loads(out)
    except ValueError:
        return {"error": "exit %s: %s" % (rc, (err or out).strip()[-300:]), "wall": wall}
    nat = j.get("nat") or {}
    return {"answer": (nat.get("mapping"), nat.get("filtering"), nat.get("classic")),
            "reason": nat.get("reason"), "nat_ms": nat.get("elapsed_ms"), "elapsed_ms": j.get("elapsed_ms"),
            "access": j.get("access"), "wall": round(wall, 2)}


def verdict(res, expected):
    """'right', 'unknown' (some field unknown, the rest right, with a reason) or 'wrong'"""
    ans = res.get("answer")
    if ans is None:
        return "wrong"
    if tuple(ans) == expected:
        return "right"
    if any(v != e and v != "unknown" for v, e in zip(ans, expected)):
        return "wrong"
    return "unknown" if res.get("reason") else "wrong"


def start_responder(ns, mode, ip1, ip2, port1, port2):
    p = subprocess.Popen(["ip", "netns", "exec", ns, PY, SELF, "--stun-responder", mode, ip1, ip2,
                          str(port1), str(port2)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    CHILDREN.append(p)
    if p.stdout.readline().strip() != "ready":
        raise RuntimeError("the %s STUN responder did not start" % mode)
    return p


def stop_children():
    while CHILDREN:
        p = CHILDREN.pop()
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


def skip(why):
    print("1..0 # SKIP %s" % why)
    sys.exit(int(os.environ.get("SESAME_SKIP_EXIT", "77")))


def main():
    global IMPAIR
    cli = os.environ.get("SESAME_CLI", "")
    if os.geteuid() != 0:
        skip("needs root (network namespaces)")
    for tool in ("ip", "nft", "turnserver"):
        if not any(os.access(os.path.join(d, tool), os.X_OK) for d in os.environ.get("PATH", "").split(":") +
                   ["/usr/sbin", "/sbin"]):
            skip("%s is missing" % tool)
    if not cli or not os.access(cli, os.X_OK):
        skip("SESAME_CLI is not set to an executable sesame-cli")
    IMPAIR = "netem" if has_netem() else "tap"

    def on_signal(signum, _):
        print("Bail out! signal %d" % signum, flush=True)
        stop_children()
        for prefix in list(LABS):
            lab_down(prefix)
        sys.exit(1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    tap = Tap()
    base = "bn%d" % (os.getpid() % 10000)
    print("# impairment by %s" % IMPAIR, flush=True)
    try:
        # Long round trips: right, by the default deadline
        for i, (profile, delay, runs) in enumerate((("port-restricted", 350, 2), ("full-cone", 500, 1),
                                                    ("restricted-cone", 500, 1))):
            prefix = "%s-r%d" % (base, i)
            env = lab_up(profile, prefix, delay=delay)
            try:
                results = [probe(cli, env["NETLAB_NS_LAN"]) for _ in range(runs)]
            finally:
                lab_down(prefix)
            ok = all(verdict(r, EXPECT[profile]) == "right" for r in results)
            tap.check(ok, "%s, %d ms round trip: %s every run (%d), by the default deadline"
                      % (profile, 2 * delay, EXPECT[profile][2], runs), results)

        # 1.5 s round trip: never a wrong type, never "UDP blocked"
        prefix = base + "-s"
        env = lab_up("full-cone", prefix, delay=750)
        try:
            res = probe(cli, env["NETLAB_NS_LAN"])
        finally:
            lab_down(prefix)
        tap.check(verdict(res, EXPECT["full-cone"]) in ("right", "unknown"),
                  "full-cone, 1500 ms round trip: right or unknown with a reason", res)

        # 30 % loss each way: none wrong
        for i, profile in enumerate(("full-cone", "restricted-cone", "port-restricted")):
            prefix = "%s-l%d" % (base, i)
            env = lab_up(profile, prefix, delay=25, loss=30)
            try:
                results = [probe(cli, env["NETLAB_NS_LAN"]) for _ in range(LOSS_RUNS)]
            finally:
                lab_down(prefix)
            kinds = [verdict(r, EXPECT[profile]) for r in results]
            tap.info("%s at 30 %% loss: %d right, %d unknown, %d wrong" % (
                profile, kinds.count("right"), kinds.count("unknown"), kinds.count("wrong")))
            tap.check("wrong" not in kinds, "%s, 30 %% loss each way: no wrong answer in %d runs"
                      % (profile, LOSS_RUNS), [r for r, k in zip(results, kinds) if k == "wrong"])

        # Jitter: each datagram's delay anywhere in 50–250 ms each way, so that
        # answers overtake one another and round trips vary fivefold
        for i, profile in enumerate(("restricted-cone", "port-restricted")):
            prefix = "%s-j%d" % (base, i)
            env = lab_up(profile, prefix, delay=150, jitter=100)
            try:
                results = [probe(cli, env["NETLAB_NS_LAN"]) for _ in range(2)]
            finally:
                lab_down(prefix)
            kinds = [verdict(r, EXPECT[profile]) for r in results]
            tap.check("wrong" not in kinds and "right" in kinds,
                      "%s, 300 ms round trip with 100 ms jitter each way: never wrong, right at least once in 2 runs"
                      % profile, results)

        # A STUN server with one address, and an RFC 3489 one
        for i, profile in enumerate(("open", "full-cone", "restricted-cone")):
            prefix = "%s-o%d" % (base, i)
            env = lab_up(profile, prefix)
            try:
                start_responder(env["NETLAB_NS_INET"], "one", "198.51.100.1", "198.51.100.2", 3490, 3491)
                start_responder(env["NETLAB_NS_INET"], "rfc3489", "198.51.100.1", "198.51.100.2", 3492, 3493)
                one = probe(cli, env["NETLAB_NS_LAN"], stun=["--stun", "198.51.100.1:3490"])
                old = probe(cli, env["NETLAB_NS_LAN"], stun=["--stun", "198.51.100.1:3492"])
            finally:
                stop_children()
                lab_down(prefix)
            if profile != "restricted-cone":
                ok = (one.get("answer") is not None and one["answer"][1:] == ("unknown", "unknown") and
                      "second address" in (one.get("reason") or ""))
                tap.check(ok, "%s, a STUN server with one address: filtering and type unknown, saying there is "
                          "no second address" % profile, one)
            tap.check(verdict(old, EXPECT[profile]) == "right",
                      "%s, an RFC 3489 server (CHANGED-ADDRESS): %s" % (profile, EXPECT[profile][2]), old)

        # Carrier-grade NAT without UPnP, run after run
        prefix = base + "-c"
        env = lab_up("cgnat", prefix)
        try:
            results = []
            for _ in range(4):
                results.append(probe(cli, env["NETLAB_NS_LAN"]))
                time.sleep(0.5)
        finally:
            lab_down(prefix)
        ok = all((r.get("access") or {}).get("cgnat") is True for r in results)
        tap.check(ok, "cgnat without UPnP: carrier-grade NAT found on each of 4 runs a second apart",
                  [{"cgnat": (r.get("access") or {}).get("cgnat"), "hops": (r.get("access") or {}).get("hops")}
                   for r in results])
    except RuntimeError as e:
        tap.check(False, "the labs came up", str(e))
    finally:
        stop_children()
        for prefix in list(LABS):
            lab_down(prefix)

    print("1..%d" % tap.n, flush=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--stun-responder":
        stun_responder(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        sys.exit(main())
