#!/usr/bin/env python3
"""Integration test (TAP): the lines people have now — IPv6, MAP-E, DS-Lite.

`sesame-cli probe` in netlab labs with IPv6 (tests/integration/netlab):

  * map-e: the client's IPv6 address (240b:10:1234:5600::5, v6プラス) gives
    MAP-E with the shared address 106.72.18.52 and PSID 86; STUN sees that
    address and a port in the set, so the cross-check agrees. With the
    router's IPv4 NAT moved to another address (IPv4 still over PPPoE, say)
    it disagrees and names what the internet sees;
  * ds-lite: the transix prefix gives DS-Lite, carrier-grade NAT is found,
    and there is nothing of the line's own to compare;
  * port-restricted --ipv6 (2001:db8:5600::5): plain IPv6, no transition;
  * a lab without IPv6: no address, no transition, saying why the ports
    were not checked over IPv6;
  * IPv6 reachability: a TCP and a UDP port with nothing listening are
    filtered over IPv6 until the router's IPv6 firewall opens them
    (netlab open6), open after, while the same ports over IPv4 stay
    filtered; the check service is named by its IPv6 address;
  * the checklist with those results: "Reach it over IPv6" with the address
    to publish, in English and Japanese, and not without IPv6.

Environment: SESAME_CLI and SESAME_REFLECTOR (required), SESAME_SKIP_EXIT
(exit status of a skip, default 77; meson sets 0). Needs root and what
netlab needs.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NETLAB = os.path.join(HERE, "netlab")
TESTS = os.path.dirname(HERE)

LABS = []


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


def run(argv, timeout=60, env=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def skip(why):
    print("1..0 # SKIP %s" % why)
    sys.exit(int(os.environ.get("SESAME_SKIP_EXIT", "77")))


def lab_up(profile, prefix, ipv6=False):
    argv = [NETLAB, "up", profile, "--prefix", prefix, "--ttl", "600", "-q"]
    if ipv6:
        argv.append("--ipv6")
    env = dict(os.environ, NETLAB_REFLECTOR=os.environ["SESAME_REFLECTOR"])
    LABS.append(prefix)
    rc, out, err = run(argv, 90, env)
    if rc != 0:
        raise RuntimeError("netlab up %s failed: %s" % (profile, (err or out).strip()[-400:]))
    rc, out, _ = run([NETLAB, "env", "--prefix", prefix], 20)
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def lab_down(prefix):
    if prefix in LABS:
        LABS.remove(prefix)
        run([NETLAB, "down", "--prefix", prefix, "-q"], 60)


CHECK = "http://check.netlab.test/check?port={port}&proto={proto}"
PORTS = ["--port", "tcp/8080", "--port", "udp/5000"]


def probe(cli, env, ports=True):
    argv = ["ip", "netns", "exec", env["NETLAB_NS_LAN"], cli, "probe", "--json", "--no-defaults",
            "--stun", "198.51.100.1:3478", "--stun", "198.51.100.2:3478",
            "--ip-url", "http://198.51.100.1/ip", "--check-url", CHECK]
    if ports:
        argv += PORTS
    rc, out, err = run(argv, 30)
    try:
        return json.loads(out)
    except ValueError:
        return {"error": "exit %s: %s" % (rc, (err or out).strip()[-300:])}


def ipv6(report):
    return report.get("ipv6") or {}


def transition(report):
    return ipv6(report).get("transition") or {}


def reach(report, section, proto, port):
    ports = ipv6(report).get("reachability") if section == "ipv6" else report.get("ports")
    for p in ports or []:
        if p.get("protocol") == proto and p.get("port") == port:
            return p.get("reachable")
    return None


def stun_ports(report):
    return [s.get("port") for s in (report.get("external") or {}).get("sources", []) if s.get("method") == "stun"]


def checklist(cli, report, lang):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.json")
        with open(path, "w") as f:
            json.dump(report, f)
        plan = os.path.join(TESTS, "data", "seed-plan.json")
        rc, text, err = run([cli, "checklist", "--plan", plan, "--probe-report", path, "--lang", lang], 30)
        rc2, js, _ = run([cli, "checklist", "--plan", plan, "--probe-report", path, "--format", "json"], 30)
    try:
        data = json.loads(js)
    except ValueError:
        data = {}
    return rc, text + err, data


def main():
    cli = os.environ.get("SESAME_CLI", "")
    if os.geteuid() != 0:
        skip("needs root (network namespaces)")
    for tool in ("ip", "nft", "turnserver"):
        if not any(os.access(os.path.join(d, tool), os.X_OK) for d in os.environ.get("PATH", "").split(":") +
                   ["/usr/sbin", "/sbin"]):
            skip("%s is missing" % tool)
    if not cli or not os.access(cli, os.X_OK):
        skip("SESAME_CLI is not set to an executable sesame-cli")
    if not os.access(os.environ.get("SESAME_REFLECTOR", ""), os.X_OK):
        skip("SESAME_REFLECTOR is not set to an executable sesame-reflector")

    def on_signal(signum, _):
        print("Bail out! signal %d" % signum, flush=True)
        for prefix in list(LABS):
            lab_down(prefix)
        sys.exit(1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    tap = Tap()
    base = "v6%d" % (os.getpid() % 10000)
    try:
        # MAP-E: detection, the cross-check, the IPv6 firewall
        prefix = base + "-m"
        env = lab_up("map-e", prefix)
        try:
            closed = probe(cli, env)
            run([NETLAB, "open6", "--prefix", prefix, "tcp/8080"], 20)
            run([NETLAB, "open6", "--prefix", prefix, "udp/5000"], 20)
            opened = probe(cli, env)
            # IPv4 no longer through MAP-E: the router's NAT takes its other address
            run(["ip", "netns", "exec", env["NETLAB_NS_ROUTER"], "nft", "flush", "chain", "ip", "netlab",
                 "postrouting"], 20)
            run(["ip", "netns", "exec", env["NETLAB_NS_ROUTER"], "nft", "add", "rule", "ip", "netlab",
                 "postrouting", "oifname", "wan0", "ip", "saddr", "192.168.11.0/24", "snat", "to", "203.0.113.2"], 20)
            pppoe = probe(cli, env, ports=False)
        finally:
            lab_down(prefix)

        t = transition(closed)
        tap.check(ipv6(closed).get("address") == "240b:10:1234:5600::5",
                  "map-e: the stable global IPv6 address is found", ipv6(closed))
        tap.check(t.get("method") == "map-e" and t.get("provider_id") == "v6plus" and t.get("ipv4") == "106.72.18.52"
                  and t.get("psid") == 86 and t.get("port_count") == 240 and (t.get("ports") or [""])[0] == "5472-5487",
                  "map-e: v6プラス, shared address 106.72.18.52, PSID 86, 240 ports from 5472-5487", t)
        ports = stun_ports(closed)
        tap.check(closed.get("external", {}).get("ipv4") == "106.72.18.52" and ports and
                  all(p and 5472 <= p <= 5487 for p in ports) and t.get("stun_agrees") is True,
                  "map-e: STUN sees 106.72.18.52 and ports in the set, and the cross-check agrees",
                  {"ports": ports, "transition": t})
        tap.check(reach(closed, "ipv6", "tcp", 8080) == "filtered" and reach(closed, "ipv6", "udp", 5000) == "filtered",
                  "map-e: tcp/8080 and udp/5000 over IPv6 are filtered by the router's IPv6 firewall",
                  ipv6(closed).get("reachability"))
        tap.check(reach(opened, "ipv6", "tcp", 8080) == "open" and reach(opened, "ipv6", "udp", 5000) == "open",
                  "map-e: opened in the IPv6 firewall, both are open over IPv6", ipv6(opened).get("reachability"))
        tap.check(reach(opened, "ports", "tcp", 8080) == "filtered",
                  "map-e: tcp/8080 over IPv4 stays filtered (no forwarding on the router)", opened.get("ports"))
        checked_by = [p.get("checked_by") for p in ipv6(opened).get("reachability") or []]
        tap.check(checked_by and all(c == "[2001:db8:100::1]:80 (http)" for c in checked_by) and
                  "[2001:db8:100::1]:80 (http)" in opened.get("servers_contacted", []),
                  "map-e: the checks over IPv6 name the service's IPv6 address, and it is listed as contacted",
                  {"checked_by": checked_by, "servers": opened.get("servers_contacted")})
        t = transition(pppoe)
        tap.check(t.get("method") == "map-e" and t.get("stun_agrees") is False and "203.0.113.2" in (t.get("reason") or ""),
                  "map-e prefix but IPv4 NATed to 203.0.113.2: the cross-check disagrees and says what the "
                  "internet sees", t)

        rc, text, data = checklist(cli, opened, "en")
        tap.check(rc == 0 and "Reach it over IPv6" in text and "240b:10:1234:5600::5" in text and "AAAA" in text,
                  "map-e: the checklist has \"Reach it over IPv6\" with the address to publish", text[-2500:])
        tap.check((data.get("ipv6") or {}).get("address") == "240b:10:1234:5600::5" and
                  len((data.get("ipv6") or {}).get("steps") or []) >= 3,
                  "map-e: the checklist JSON has ipv6.address and its steps", data.get("ipv6"))
        rc, text, _ = checklist(cli, opened, "ja")
        tap.check(rc == 0 and "IPv6 で接続できるようにする" in text and "240b:10:1234:5600::5" in text,
                  "map-e: the same section in Japanese", text[-2500:])

        # DS-Lite
        prefix = base + "-d"
        env = lab_up("ds-lite", prefix)
        try:
            dslite = probe(cli, env)
        finally:
            lab_down(prefix)
        t = transition(dslite)
        tap.check(t.get("method") == "ds-lite" and t.get("provider_id") == "transix" and t.get("stun_agrees") is None
                  and t.get("reason"),
                  "ds-lite: the transix prefix gives DS-Lite, with nothing of the line's own to compare", t)
        tap.check((dslite.get("access") or {}).get("cgnat") is True,
                  "ds-lite: the provider's NAT is found as carrier-grade NAT", dslite.get("access"))
        tap.check(reach(dslite, "ipv6", "tcp", 8080) == "filtered",
                  "ds-lite: tcp/8080 over IPv6 is filtered by the router's IPv6 firewall",
                  ipv6(dslite).get("reachability"))

        # Plain IPv6 beside an ordinary NAT, and no IPv6 at all
        prefix = base + "-p"
        env = lab_up("port-restricted", prefix, ipv6=True)
        try:
            plain = probe(cli, env)
            rc, plain_text, _ = run(["ip", "netns", "exec", env["NETLAB_NS_LAN"], cli, "probe", "--no-defaults",
                                     "--stun", "198.51.100.1:3478", "--check-url", CHECK, "--port", "tcp/8080"], 30)
        finally:
            lab_down(prefix)
        t = transition(plain)
        tap.check(ipv6(plain).get("address") == "2001:db8:5600::5" and t.get("method") == "none"
                  and t.get("stun_agrees") is None,
                  "plain IPv6: the address is found, no transition", ipv6(plain))
        tap.check("IPv6 address: 2001:db8:5600::5 (stable)" in plain_text and
                  "Port tcp/8080 over IPv6: reachable filtered" in plain_text,
                  "plain IPv6: probe's text says the address and the port over IPv6", plain_text)

        prefix = base + "-n"
        env = lab_up("port-restricted", prefix)
        try:
            none = probe(cli, env)
        finally:
            lab_down(prefix)
        tap.check(ipv6(none).get("addresses") == [] and ipv6(none).get("transition") is None and
                  ipv6(none).get("reachability") == [] and "IPv6" in (ipv6(none).get("reason") or ""),
                  "no IPv6: no address, no transition, and why the ports were not checked over IPv6", ipv6(none))
        rc, text, data = checklist(cli, none, "en")
        tap.check(rc == 0 and "Reach it over IPv6" not in text and data.get("ipv6") is None,
                  "no IPv6: the checklist has no IPv6 section", data.get("ipv6"))
    except RuntimeError as e:
        tap.check(False, "the labs came up", str(e))
    finally:
        for prefix in list(LABS):
            lab_down(prefix)

    print("1..%d" % tap.n, flush=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
