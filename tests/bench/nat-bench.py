#!/usr/bin/env python3
"""nat-bench: how fast and how right Sesame's NAT classification is, next to
coturn's turnutils_natdiscovery, in netlab labs with a slow internet link.
A benchmark, not a test: it prints tables and exits 0 unless it could not run.

usage: SESAME_CLI=PATH tests/bench/nat-bench.py [--runs N] [--delay MS] [--jitter MS] [--loss PCT]
                                                [--profiles a,b,...] [--impair auto|netem|tap]
                                                [--upnp] [--no-loss-pass] [--bad-links [SCALE]] [--json FILE]

For every profile a lab comes up with --delay MS (default 25, each direction) on
the internet link, then N times (default 5), alternately:
  ip netns exec <lan> $SESAME_CLI probe --json --no-defaults --stun 198.51.100.1:3478 --stun 198.51.100.2:3478
                                     --ip-url http://198.51.100.1/ip
      (its JSON's nat.elapsed_ms, and the wall time; the lab's "what is my IP"
      service stands in for the default ones, and its answer gives the round
      trip by which silence from every STUN server is judged "UDP blocked")
  ip netns exec <lan> turnutils_natdiscovery -m -f -L <client address> 198.51.100.1   (wall time)
(the client address is 192.168.11.5, except in 'open' where the client owns 203.0.113.130).
Table: medians, ratio Sesame/natdiscovery (wall), whether the answers agree; then
sums and the overall ratio. Then a pass with --loss PCT (default 5) as well: N
Sesame runs per profile, and every answer that is neither the expected one nor
'unknown' is listed.

--upnp puts miniupnpd on the router of every NAT profile (not 'open'), so that
Sesame's router discovery is answered instead of waiting for its timeout.

--jitter MS (default 0, at most the delay) varies each frame's delay by up to
MS each way (netlab up --jitter), in every lab of either mode.

--bad-links [SCALE] runs only the labs of issue 12's table (700 ms and 1 s
round trips, 400-600 ms, 10 % and 30 % loss), as many runs as there times
SCALE, and prints the table with the figures before the fix beside the new
ones and the share of right answers; any wrong NAT type is listed.

Impairment: tc netem. --impair auto (default) uses netem when the kernel has
it and otherwise netlab's userspace link (--impair tap), and says so above the
tables; --impair netem fails without netem. Needs root and what netlab needs.
Every lab is taken down at the end, also on errors and SIGINT/SIGTERM.
"""
import argparse
import collections
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETLAB = os.path.normpath(os.path.join(HERE, "..", "integration", "netlab"))
PROFILES = ["open", "full-cone", "restricted-cone", "port-restricted", "symmetric", "udp-blocked", "cgnat"]
EXPECT = {   # profile -> (mapping, filtering, classic)
    "open": ("no-nat", "endpoint-independent", "open-internet"),
    "full-cone": ("endpoint-independent", "endpoint-independent", "full-cone"),
    "restricted-cone": ("endpoint-independent", "address-dependent", "restricted-cone"),
    "port-restricted": ("endpoint-independent", "address-and-port-dependent", "port-restricted-cone"),
    "symmetric": ("address-and-port-dependent", "address-and-port-dependent", "symmetric"),
    "udp-blocked": ("unknown", "unknown", "udp-blocked"),
    "cgnat": ("endpoint-independent", "address-and-port-dependent", "port-restricted-cone"),
}
USAGE = __doc__.split("\n\n")[1]


def classic_of(mapping, filtering):
    if mapping == "no-udp":
        return "udp-blocked"
    if mapping == "no-nat":
        return "open-internet" if filtering == "endpoint-independent" else "symmetric-udp-firewall"
    if mapping == "endpoint-independent":
        return {"endpoint-independent": "full-cone", "address-dependent": "restricted-cone",
                "address-and-port-dependent": "port-restricted-cone"}.get(filtering, "unknown")
    if mapping in ("address-dependent", "address-and-port-dependent"):
        return "symmetric"
    return "unknown"


def natdiscovery_verdict(out):
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


def run(argv, timeout):
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "timeout", out, "", time.monotonic() - t0


class Interrupted(BaseException):
    pass


LABS = []


JITTER = 0   # ms each way, from --jitter


def lab_up(profile, prefix, delay, loss, impair, upnp=False):
    argv = [NETLAB, "up", profile, "--prefix", prefix, "--ttl", "1800", "-q", "--impair", impair]
    if upnp and profile != "open":
        argv.append("--upnp")
    if delay:
        argv += ["--delay", str(delay)]
        if JITTER:
            argv += ["--jitter", str(min(JITTER, delay))]
    if loss:
        argv += ["--loss", str(loss)]
    LABS.append(prefix)
    rc, out, err, _ = run(argv, 90)
    if rc != 0:
        raise RuntimeError("netlab up %s failed: %s" % (profile, (err or out).strip()[-500:]))
    rc, out, err, _ = run([NETLAB, "env", "--prefix", prefix], 20)
    # netlab pins the address resolution across an impaired link itself
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def lab_down(prefix):
    if prefix in LABS:
        LABS.remove(prefix)
        run([NETLAB, "down", "--prefix", prefix, "-q"], 60)


def sesame_once(cli, ns):
    argv = ["ip", "netns", "exec", ns, cli, "probe", "--json", "--no-defaults",
            "--stun", "198.51.100.1:3478", "--stun", "198.51.100.2:3478", "--ip-url", "http://198.51.100.1/ip"]
    rc, out, err, wall = run(argv, 120)
    res = {"wall_ms": wall * 1000, "nat_ms": None, "answer": None, "error": None}
    try:
        j = json.loads(out)
        nat = j.get("nat") or {}
        res["nat_ms"] = nat.get("elapsed_ms")
        res["answer"] = (nat.get("mapping"), nat.get("filtering"), nat.get("classic"))
    except (ValueError, AttributeError):
        res["error"] = "exit %s: %s" % (rc, (err or out).strip()[-200:])
    return res


def natdisc_once(ns, client):
    rc, out, err, wall = run(["ip", "netns", "exec", ns, "turnutils_natdiscovery", "-m", "-f", "-L", client,
                              "198.51.100.1"], 120)
    m, f = natdiscovery_verdict(out)
    return {"wall_ms": wall * 1000, "answer": (m, f, classic_of(m, f))}


def med(xs):
    xs = [x for x in xs if isinstance(x, (int, float))]
    return statistics.median(xs) if xs else None


def mode(xs):
    xs = [x for x in xs if x is not None]
    return collections.Counter(xs).most_common(1)[0][0] if xs else None


def fmt(x, w=8):
    return ("%*.0f" % (w, x)) if isinstance(x, (int, float)) else "%*s" % (w, "n/a")


def netem_available(pid):
    ns = "nb%d-nt" % (pid % 100000)
    if run(["ip", "netns", "add", ns], 10)[0] != 0:
        return False
    try:
        return run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"],
                   10)[0] == 0
    finally:
        run(["ip", "netns", "del", ns], 10)


# The table of issue 12 ("Right answers on bad networks"), measured before the
# NAT probe adapted its waits to the round trip and the loss: (lab, profiles,
# delay each way in ms or a list, loss %, runs, what Sesame said then)
BAD_LINKS = [
    ("port-restricted / full cone, 700 ms RTT", ["port-restricted", "full-cone"], [350], 0, 6,
     "udp-blocked 6 of 6"),
    ("same, 400-600 ms RTT", ["port-restricted", "full-cone"], [200, 250, 300], 0, 9,
     "mapping unknown 9 of 9"),
    ("same, 1 s RTT", ["port-restricted", "full-cone"], [500], 0, 6,
     "not measured (udp-blocked at 700 ms)"),
    ("full cone / port-restricted / restricted cone, 10 % loss", ["full-cone", "port-restricted", "restricted-cone"],
     [25], 10, 30, "not measured"),
    ("full cone, 30 % loss", ["full-cone"], [25], 30, 65,
     "44 right, 18 unknown, 3 wrong (2 restricted-cone, 1 udp-blocked) of 65"),
    ("port-restricted / restricted cone, 30 % loss", ["port-restricted", "restricted-cone"], [25], 30, 30,
     "udp-blocked 1 of 25 / 1 of 5"),
]


def bad_links_pass(cli, impair, scale):
    """Runs the labs of the issue's table again; returns its rows"""
    pid = os.getpid() % 100000
    rows = []
    for li, (lab, profiles, delays, loss, runs, before) in enumerate(BAD_LINKS):
        runs = max(len(profiles) * len(delays), int(round(runs * scale)))
        counts = collections.Counter()
        walls = []
        wrong = []
        per = max(1, -(-runs // (len(profiles) * len(delays))))   # at least the count
        for pi, prof in enumerate(profiles):
            for di, delay in enumerate(delays):
                prefix = "nb%d-b%d%d%d" % (pid, li, pi, di)
                env = lab_up(prof, prefix, delay, loss, impair)
                try:
                    for _ in range(per):
                        r = sesame_once(cli, env["NETLAB_NS_LAN"])
                        walls.append(r["nat_ms"])
                        ans, exp = r["answer"], EXPECT[prof]
                        if ans is not None and tuple(ans) == exp:
                            counts["right"] += 1
                        elif ans is not None and all(v == e or v == "unknown" for v, e in zip(ans, exp)):
                            counts["unknown"] += 1
                        else:
                            counts["wrong"] += 1
                            wrong.append("%s: %s" % (prof, "/".join(map(str, ans)) if ans else r["error"]))
                finally:
                    lab_down(prefix)
        n = sum(counts.values())
        now = "%d right, %d unknown, %d wrong of %d (%.0f %% right; nat median %s ms)" % (
            counts["right"], counts["unknown"], counts["wrong"], n, 100.0 * counts["right"] / n if n else 0,
            fmt(med(walls), 0).strip())
        rows.append({"lab": lab, "loss": loss, "before": before, "now": now, "wrong": wrong,
                     "right": counts["right"], "unknown": counts["unknown"], "runs": n})
        print("  %-46s done" % lab, flush=True)
    print()
    print("| lab | Sesame before (issue 12) | Sesame now |")
    print("|---|---|---|")
    for r in rows:
        print("| %s | %s | %s |" % (r["lab"], r["before"], r["now"]))
        for w in r["wrong"]:
            print("|   wrong: %s | | |" % w)
    return rows


def main():
    ap = argparse.ArgumentParser(usage=USAGE.replace("usage: ", "", 1),
                                 description=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--delay", type=float, default=25)
    ap.add_argument("--jitter", type=float, default=0)
    ap.add_argument("--loss", type=float, default=5)
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument("--impair", choices=["auto", "netem", "tap"], default="auto")
    ap.add_argument("--upnp", action="store_true")
    ap.add_argument("--no-loss-pass", action="store_true")
    ap.add_argument("--bad-links", type=float, nargs="?", const=1.0, default=None, metavar="SCALE",
                    help="only the labs of issue 12's table (700 ms and 1 s RTT, 400-600 ms, 10 and 30 %% loss), "
                         "as many runs as there times SCALE, the old figures beside the new")
    ap.add_argument("--json")
    a = ap.parse_args()
    global JITTER
    JITTER = a.jitter
    cli = os.environ.get("SESAME_CLI", "")
    if not cli or not os.access(cli, os.X_OK):
        sys.stderr.write("nat-bench: set SESAME_CLI to an executable sesame-cli (got %r)\n%s\n" % (cli, USAGE))
        return 2
    if os.geteuid() != 0:
        sys.stderr.write("nat-bench: must run as root (network namespaces)\n")
        return 2
    profiles = [p for p in a.profiles.split(",") if p]
    bad = [p for p in profiles if p not in EXPECT]
    if bad:
        sys.stderr.write("nat-bench: unknown profile(s) %s\n" % ", ".join(bad))
        return 2
    impair = a.impair
    has_netem = netem_available(os.getpid())
    if impair == "auto":
        impair = "netem" if has_netem else "tap"
    if impair == "netem" and not has_netem:
        sys.stderr.write("nat-bench: this kernel has no tc netem (sch_netem); use --impair tap or auto\n")
        return 2

    def on_signal(signum, _):
        raise Interrupted("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    t_all = time.monotonic()
    if a.bad_links is not None:
        try:
            print("nat-bench --bad-links: impairment by %s%s" % (
                impair, ", jitter %g ms each way" % a.jitter if a.jitter else ""))
            report = {"bad_links": bad_links_pass(cli, impair, a.bad_links)}
        except Interrupted as e:
            print("nat-bench: interrupted (%s)" % e)
            return 130
        except RuntimeError as e:
            print("nat-bench: %s" % e)
            return 1
        finally:
            for prefix in list(LABS):
                lab_down(prefix)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(report, f, indent=1)
        print("nat-bench: %.0f s in all" % (time.monotonic() - t_all))
        return 0
    print("nat-bench: %d run(s) each, delay %g ms%s each direction on the internet link, impairment by %s%s" % (
        a.runs, a.delay, " ± %g ms" % a.jitter if a.jitter else "", impair,
        "" if impair == "netem" else (" (NOTE: this kernel has no tc netem; delay and loss come from netlab's "
                                       "userspace TAP link labwire.py, which adds its own scheduling jitter)"
                                       if not has_netem else " (userspace TAP link, chosen with --impair tap)")))
    print("SESAME_CLI=%s; routers %s" % (cli, "with miniupnpd (--upnp)" if a.upnp else
                                          "without UPnP/NAT-PMP/PCP (Sesame's router discovery times out)"))
    report = {"runs": a.runs, "delay_ms": a.delay, "impair": impair, "upnp": a.upnp, "profiles": {}, "loss": {}}
    pid = os.getpid() % 100000
    try:
        rows = []
        for i, prof in enumerate(profiles):
            prefix = "nb%d-%d" % (pid, i)
            env = lab_up(prof, prefix, a.delay, 0, impair, a.upnp)
            ses, nd = [], []
            try:
                for _ in range(a.runs):
                    ses.append(sesame_once(cli, env["NETLAB_NS_LAN"]))
                    nd.append(natdisc_once(env["NETLAB_NS_LAN"], env["NETLAB_CLIENT_IP"]))
            finally:
                lab_down(prefix)
            s_ans, n_ans = mode([r["answer"] for r in ses]), mode([r["answer"] for r in nd])
            if s_ans is None:
                agree = "no (Sesame: %s)" % next((r["error"] for r in ses if r["error"]), "no answer")
            elif prof == "udp-blocked":
                agree = "yes" if s_ans[2] == "udp-blocked" and n_ans[0] == "no-udp" else "no"
            else:
                agree = "yes" if n_ans and s_ans[:2] == n_ans[:2] else "no"
            row = {"profile": prof, "sesame_nat_ms": med([r["nat_ms"] for r in ses]),
                   "sesame_wall_ms": med([r["wall_ms"] for r in ses]), "natdisc_wall_ms": med([r["wall_ms"] for r in nd]),
                   "sesame": s_ans, "natdiscovery": n_ans, "agree": agree,
                   "sesame_runs": ses, "natdiscovery_runs": nd}
            rows.append(row)
            report["profiles"][prof] = row
            print("  %-16s done (%d + %d runs)" % (prof, len(ses), len(nd)), flush=True)

        print()
        print("%-16s %10s %10s %10s %7s  %-22s %-22s %s" % ("profile", "Sesame nat", "Sesame wall", "natdisc",
                                                          "ratio", "Sesame says", "natdiscovery says", "agree"))
        print("%-16s %10s %10s %10s %7s" % ("", "ms median", "ms median", "ms median", "wall"))
        tot_n = tot_s = tot_d = 0.0
        for r in rows:
            ratio = (r["sesame_wall_ms"] / r["natdisc_wall_ms"]) if r["sesame_wall_ms"] and r["natdisc_wall_ms"] else None
            tot_n += r["sesame_nat_ms"] or 0
            tot_s += r["sesame_wall_ms"] or 0
            tot_d += r["natdisc_wall_ms"] or 0
            print("%-16s %10s %10s %10s %7s  %-22s %-22s %s" % (
                r["profile"], fmt(r["sesame_nat_ms"]), fmt(r["sesame_wall_ms"]), fmt(r["natdisc_wall_ms"]),
                ("%.2f" % ratio) if ratio else "n/a", (r["sesame"] or ("?",) * 3)[2],
                (r["natdiscovery"] or ("?",) * 3)[2], r["agree"]))
        print("%-16s %10s %10s %10s %7s" % ("sum", fmt(tot_n), fmt(tot_s), fmt(tot_d),
                                           ("%.2f" % (tot_s / tot_d)) if tot_d else "n/a"))
        print("overall: Sesame %.1f s (nat.elapsed_ms %.1f s) vs natdiscovery %.1f s, ratio %s (wall), %s (nat.elapsed_ms)"
              % (tot_s / 1000, tot_n / 1000, tot_d / 1000, ("%.2f" % (tot_s / tot_d)) if tot_d else "n/a",
                 ("%.2f" % (tot_n / tot_d)) if tot_d else "n/a"))
        report["sum"] = {"sesame_nat_ms": tot_n, "sesame_wall_ms": tot_s, "natdisc_wall_ms": tot_d}
        # Issue 12's targets; UDP blocked is said only after 8 round trips of
        # silence (at least 1 s; 2.5 s when no HTTP answer measured one), by design
        timed = [r for r in rows if r["profile"] != "udp-blocked"]
        worst_nat = max((r["sesame_nat_ms"] or 1e9 for r in timed), default=None)
        worst_wall = max((r["sesame_wall_ms"] or 1e9 for r in timed), default=None)
        t_n = sum(r["sesame_nat_ms"] or 0 for r in timed)
        t_d = sum(r["natdisc_wall_ms"] or 0 for r in timed)
        print("targets at %g ms RTT: natdiscovery/Sesame %s by wall, %s by nat.elapsed_ms (>= 8; udp-blocked "
              "aside: %s by nat.elapsed_ms), slowest classification %s ms (<= 700), slowest whole probe %s ms "
              "(<= 1000; udp-blocked aside)" % (
                  2 * a.delay, ("%.1f" % (tot_d / tot_s)) if tot_s else "n/a",
                  ("%.1f" % (tot_d / tot_n)) if tot_n else "n/a", ("%.1f" % (t_d / t_n)) if t_n else "n/a",
                  fmt(worst_nat, 0).strip(), fmt(worst_wall, 0).strip()))

        if not a.no_loss_pass:
            print()
            print("--loss %g pass (delay %g ms, %d Sesame run(s) per profile): answers other than the expected one "
                  "or 'unknown' (shown as mapping/filtering/classic)" % (a.loss, a.delay, a.runs))
            wrong_total = 0
            for i, prof in enumerate(profiles):
                prefix = "nb%d-l%d" % (pid, i)
                env = lab_up(prof, prefix, a.delay, a.loss, impair, a.upnp)
                try:
                    ses = [sesame_once(cli, env["NETLAB_NS_LAN"]) for _ in range(a.runs)]
                finally:
                    lab_down(prefix)
                exp = EXPECT[prof]
                right = unknown = 0
                wrong = []
                for r in ses:
                    ans = r["answer"]
                    if ans is None:
                        wrong.append("no JSON (%s)" % r["error"])
                        continue
                    if tuple(ans) == exp:
                        right += 1
                        continue
                    # a field may be unknown under loss; any other differing field is wrong
                    diffs = [k for k, v, e in zip(("mapping", "filtering", "classic"), ans, exp)
                             if v != e and v != "unknown"]
                    if diffs:
                        wrong.append("%s/%s/%s (wrong %s)" % (tuple(ans) + (", ".join(diffs),)))
                    else:
                        unknown += 1
                wrong_total += len(wrong)
                report["loss"][prof] = {"expected": exp, "right": right, "unknown": unknown, "wrong": wrong,
                                        "wall_ms_median": med([r["wall_ms"] for r in ses])}
                print("  %-16s %d expected, %d with unknowns, %d wrong%s   (wall median %s ms)" % (
                    prof, right, unknown, len(wrong), (": " + "; ".join(wrong)) if wrong else "",
                    fmt(med([r["wall_ms"] for r in ses]), 0)))
            print("loss pass: %d wrong answer(s)" % wrong_total)
    except Interrupted as e:
        print("nat-bench: interrupted (%s)" % e)
        return 130
    except RuntimeError as e:
        print("nat-bench: %s" % e)
        return 1
    finally:
        for prefix in list(LABS):
            lab_down(prefix)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(report, f, indent=1)
    print("nat-bench: %.0f s in all" % (time.monotonic() - t_all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
