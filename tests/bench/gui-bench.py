#!/usr/bin/env python3
"""gui-bench: the wizard's time to first frame against a minimal libadwaita
window, and the longest main-loop stall while its network checks run.
A benchmark, not a test: it prints figures and exits 0 unless it could not run.

usage: sudo tests/bench/gui-bench.py [--build _build] [--runs N] [--program PATH]
                                     [--stall-runs N] [--stalls welcome,checks+restart]
                                     [--profile PROFILE] [--renderer NAME[,NAME]] [--json FILE]
                                     [--no-window-manager]

Everything runs against one Xvfb (1280x1024x24, no TCP) and one private D-Bus
session bus, both started here for all runs, so every run finds the same
display and bus (the accessibility bus is started by the bus on first use, as
on a desktop). The display has what a desktop's window manager sets for
its clients to find it (EWMH _NET_SUPPORTING_WM_CHECK); --no-window-manager
leaves it out, and GTK 4.8 then asks the X server at every frame whether
one came. The program, <build>/tests/gui-bench or --program, runs in
the LAN namespace of a netlab lab (--profile, default port-restricted, with
miniupnpd), the home network of tests/integration/netlab: nothing it sends can
leave the namespaces built here. The wizard's checks use the lab's servers:
  --stun 198.51.100.1:3478 --stun 198.51.100.2:3478 --ip-url http://198.51.100.1/ip
  --check-url 'http://198.51.100.1/check?port={port}&proto={proto}'
with tests/data/seed-plan.json (its router is 192.168.11.1 and its host
192.168.11.5, the lab's).

1. First frame: one warm-up run of each mode (not counted: it fills the page
   cache), then N (--runs, default 10) runs each of --mode=minimal and
   --mode=sesame, interleaved (the order alternates every pair). Time runs from
   this script's CLOCK_BOOTTIME just before fork and exec (SESAME_BENCH_T0_NS;
   the network namespace is entered between the two, with setns) to the end of
   the window's first paint. Medians and the ratio sesame / minimal
   (target <= 1.3).
2. Stall: for each case of --stalls, --stall-runs (default 5) runs of
   --mode=stall. A case is a page name, with "+restart" or not: "welcome"
   opens the window on the welcome page and the checks start with the window
   (in its constructor, before it is mapped); "checks+restart" opens it on
   the checks page and starts the checks again 100 ms after the first frame,
   as that page does when the plan's ports changed, so that all of their work
   runs while the window is on screen. The main loop's longest gap is
   recorded from the window's map until 1 s after the checks finish (what the
   pages do with the result counts), then for as long again with the checks
   done (the baseline, same process). Printed: the longest stall after the
   window's first frame (the first paint is the first-frame benchmark's), the
   idle baseline's, their ratio (target <= 20 ms), the longest from the map
   with the first paint, and where the longest gaps were.

--renderer sets GSK_RENDERER for both modes: "cairo", as in the UI tests,
or "default", which leaves GTK to choose (GL through Mesa's software
rasterizer on Xvfb, which no desktop with a GPU uses); a comma-separated
list runs both parts under each in turn and sums them up side by side at
the end (default cairo,default). Beside each stall, the main thread's CPU
time in it ("cpu"): on a loaded machine a long gap can be mostly waiting
for a CPU, which the idle baseline shows too; the busiest gap is the
longest the wizard's own work held the loop. The load
average is printed before each part: other work on the machine shows there.
Needs root, Xvfb, dbus-daemon and what netlab needs; without them it exits 77
(skipped, for meson). Exit status 1 when a run fails, 2 for bad arguments.
Xvfb, the bus, the lab and every process they started are gone at the end,
also on errors and SIGINT/SIGTERM.
"""
import argparse
import ctypes
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.normpath(os.path.join(HERE, "..", ".."))
NETLAB = os.path.join(SRCDIR, "tests", "integration", "netlab")
SEED_PLAN = os.path.join(SRCDIR, "tests", "data", "seed-plan.json")
LAB_SERVERS = ["--stun", "198.51.100.1:3478", "--stun", "198.51.100.2:3478",
               "--ip-url", "http://198.51.100.1/ip",
               "--check-url", "http://198.51.100.1/check?port={port}&proto={proto}"]
FIRST_FRAME_TARGET = 1.3
STALL_TARGET_MS = 20.0
SKIP = 77   # cannot run here (not root, a tool missing): meson counts it as skipped
USAGE = __doc__.split("\n\n")[1]

CLONE_NEWNET = 0x40000000
PR_SET_CHILD_SUBREAPER = 36
LIBC = ctypes.CDLL(None, use_errno=True)


class Interrupted(BaseException):
    pass


class Failed(Exception):
    pass


def run(argv, timeout):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return "timeout", out, err


def med(xs):
    return statistics.median(xs) if xs else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="gui-bench.")
        self.procs = []           # (name, Popen) we started, stopped in reverse order
        self.lab = None           # netlab prefix while the lab is up
        self.ns_fd = None
        self.env = None
        self.x11 = None           # (libX11, the connection that holds the window manager mark)

    # ---- set-up and tear-down ----------------------------------------------------------------

    def start_xvfb(self):
        rfd, wfd = os.pipe()
        p = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x1024x24",
                              "-nolisten", "tcp", "-noreset"],
                             pass_fds=(wfd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(self.tmp, "xvfb.log"), "w"), start_new_session=True)
        self.procs.append(("Xvfb", p))
        os.close(wfd)
        with os.fdopen(rfd) as f:
            display = f.readline().strip()
        if not display.isdigit():
            raise Failed("Xvfb did not start (log: %s)" % os.path.join(self.tmp, "xvfb.log"))
        return ":" + display

    def mark_window_manager(self, display):
        """Sets on the display what every desktop's window manager sets (EWMH:
        a window named by _NET_SUPPORTING_WM_CHECK on the root window and on
        itself), held by a connection of ours until the end. Xvfb has no window
        manager, and GTK 4.8 never records a check that found none
        (gdk/x11/gdkscreen-x11.c, fetch_net_wm_check_window), so without it
        every frame asks the X server again, a round trip that a loaded Xvfb
        answers in 20 to 80 ms: a stall no person with a desktop has."""
        x11 = ctypes.CDLL("libX11.so.6")
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XCreateSimpleWindow.restype = ctypes.c_ulong
        x11.XCreateSimpleWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                            ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong,
                                            ctypes.c_ulong]
        x11.XInternAtom.restype = ctypes.c_ulong
        x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x11.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                        ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        dpy = x11.XOpenDisplay(display.encode())
        if not dpy:
            raise Failed("cannot open the display %s" % display)
        root = x11.XDefaultRootWindow(dpy)
        window = x11.XCreateSimpleWindow(dpy, root, -1, -1, 1, 1, 0, 0, 0)
        check = x11.XInternAtom(dpy, b"_NET_SUPPORTING_WM_CHECK", 0)
        name = x11.XInternAtom(dpy, b"_NET_WM_NAME", 0)
        utf8 = x11.XInternAtom(dpy, b"UTF8_STRING", 0)
        xa_window, prop_mode_replace = 33, 0
        value = (ctypes.c_ulong * 1)(window)
        x11.XChangeProperty(dpy, window, check, xa_window, 32, prop_mode_replace, ctypes.cast(value, ctypes.c_void_p), 1)
        x11.XChangeProperty(dpy, window, name, utf8, 8, prop_mode_replace, b"gui-bench", 9)
        x11.XChangeProperty(dpy, root, check, xa_window, 32, prop_mode_replace, ctypes.cast(value, ctypes.c_void_p), 1)
        x11.XSync(dpy, 0)
        self.x11 = (x11, dpy)     # the window lives as long as this connection

    def start_bus(self):
        path = os.path.join(self.tmp, "bus")
        p = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                              "--address=unix:path=" + path],
                             # What it starts (the accessibility bus) keeps its sockets here too
                             env=dict(os.environ, XDG_RUNTIME_DIR=self.tmp),
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(self.tmp, "dbus.log"), "w"), start_new_session=True)
        self.procs.append(("dbus-daemon", p))
        for _ in range(100):
            if os.path.exists(path):
                return "unix:path=" + path
            if p.poll() is not None:
                break
            time.sleep(0.02)
        raise Failed("dbus-daemon did not start (log: %s)" % os.path.join(self.tmp, "dbus.log"))

    def lab_up(self):
        prefix = "gb%d" % (os.getpid() % 100000)
        self.lab = prefix
        rc, out, err = run([NETLAB, "up", self.args.profile, "--prefix", prefix, "--upnp", "--ttl", "900", "-q"], 90)
        if rc != 0:
            raise Failed("netlab up %s failed: %s" % (self.args.profile, (err or out).strip()[-500:]))
        rc, out, err = run([NETLAB, "env", "--prefix", prefix], 20)
        env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.ns_fd = os.open("/run/netns/" + env["NETLAB_NS_LAN"], os.O_RDONLY | os.O_CLOEXEC)
        return env

    def teardown(self):
        if self.ns_fd is not None:
            os.close(self.ns_fd)
            self.ns_fd = None
        if self.lab is not None:
            run([NETLAB, "down", "--prefix", self.lab, "-q"], 60)
            self.lab = None
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
        self.procs = []
        # What the bus started (the accessibility bus) was handed to us, the subreaper
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.05)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- one run ------------------------------------------------------------------------------

    def enter_lab(self):
        if LIBC.setns(self.ns_fd, CLONE_NEWNET) != 0:
            os._exit(126)

    def program(self, mode, extra, timeout):
        env = dict(self.env)
        env["SESAME_BENCH_T0_NS"] = str(time.clock_gettime_ns(time.CLOCK_BOOTTIME))
        p = subprocess.Popen([self.args.program, "--mode=" + mode, "--plan", SEED_PLAN] + LAB_SERVERS + extra,
                             env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, preexec_fn=self.enter_lab)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            raise Failed("gui-bench --mode=%s did not end in %d s: %s" % (mode, timeout, err.strip()[-500:]))
        lines = []
        for line in out.splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass
        if p.returncode != 0 or not lines:
            raise Failed("gui-bench --mode=%s exit %s: %s" % (mode, p.returncode, (err or out).strip()[-500:]))
        return lines

    def first_frame(self, mode):
        return self.program(mode, [], 60)[0]

    def stall(self, case):
        page, _, restart = case.partition("+")
        lines = self.program("stall", ["--page", page] + (["--restart"] if restart else []), 120)
        phases = {l["phase"]: l for l in lines if "phase" in l}
        report = next((l for l in lines if "phase" not in l), {})
        if "probes" not in phases or "baseline" not in phases:
            raise Failed("gui-bench --mode=stall printed no phases")
        return phases["probes"], phases["baseline"], report


def longest_str(gaps):
    return ", ".join("%.1f ms (cpu %.1f ms, waiting for a CPU %.1f ms, machine stopped %.1f ms) at %.0f ms "
                     "(after '%s')" % (
        g["gap_ms"], g.get("cpu_ms", 0.0), g.get("runq_ms", 0.0), g.get("machine_ms", 0.0), g["end_ms"],
        g["after_updated"] or "-")
        for g in gaps)


def one_renderer(b, a, renderer, cases):
    """Both parts under one renderer: printed, and returned as (result, summary)"""
    if renderer != "default":
        b.env["GSK_RENDERER"] = renderer
    else:
        b.env.pop("GSK_RENDERER", None)
    print()
    print("=== renderer %s" % (renderer if renderer != "default" else "GTK's default"))
    print("load average %.2f %.2f %.2f on %d CPU(s)" % (os.getloadavg() + (os.cpu_count(),)), flush=True)

    # 1. first frame
    b.first_frame("minimal")
    b.first_frame("sesame")
    runs = {"minimal": [], "sesame": []}
    for i in range(a.runs):
        for mode in (("minimal", "sesame") if i % 2 == 0 else ("sesame", "minimal")):
            runs[mode].append(b.first_frame(mode))
    times = {mode: [r["first_frame_ms"] for r in rs] for mode, rs in runs.items()}
    m_min, m_ses = med(times["minimal"]), med(times["sesame"])
    ratio = m_ses / m_min
    print()
    print("first frame, %d runs each (interleaved, after one warm-up run each), ms from fork to the end of "
          "the first paint; then the medians of its steps:" % a.runs)
    for mode in ("minimal", "sesame"):
        rs = runs[mode]
        print("  %-8s median %6.1f  min %6.1f  max %6.1f  runs: %s  (drawn by %s)" % (
            mode, med(times[mode]), min(times[mode]), max(times[mode]),
            " ".join("%.0f" % t for t in times[mode]),
            ", ".join(sorted(set(r.get("renderer", "?") for r in rs)))))
        print("  %-8s   to main() %5.1f, to ::activate %5.1f, window built %5.1f, mapped %5.1f, painted %5.1f" % (
            "", med([r["main_ms"] for r in rs]), med([r["activate_ms"] for r in rs]),
            med([r["window_ms"] - r["activate_ms"] for r in rs]), med([r["map_ms"] - r["window_ms"] for r in rs]),
            med([r["first_frame_ms"] - r["map_ms"] for r in rs])))
    print("  sesame / minimal = %.2f (target <= %.1f): %s" % (
        ratio, FIRST_FRAME_TARGET, "met" if ratio <= FIRST_FRAME_TARGET else "NOT met"))
    result = {"renderer": renderer, "first_frame": {}, "stall": {}}
    result["first_frame"] = {"minimal": runs["minimal"], "sesame": runs["sesame"],
                             "minimal_median_ms": m_min, "sesame_median_ms": m_ses, "ratio": ratio}

    # 2. stalls
    print()
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    print("main-loop stalls, %d run(s) per case: longest gap between dispatches of a 1 ms G_PRIORITY_HIGH "
          "timeout (loop) and between frame clock ticks (frame)" % a.stall_runs, flush=True)
    print("%-15s %3s %8s | %9s | %9s %9s %7s %7s %5s %9s | %9s %7s %9s | %6s  %s" % (
        "", "", "checks", "from map", "after the first frame", "", "", "", "", "", "baseline (idle)", "", "", "", ""))
    print("%-15s %3s %8s | %9s | %9s %9s %7s %7s %5s %9s | %9s %7s %9s | %6s  %s" % (
        "case", "run", "ran", "loop max", "loop max", "own max", "cpu max", "p99", ">20ms", "frame max", "loop max",
        "p99", "frame max", "ratio", "what the checks found"))
    all_runs = []
    contacted = set()
    for case in cases:
        for i in range(a.stall_runs):
            probes, base, report = b.stall(case)
            all_runs.append((case, probes, base, report))
            contacted.update(report.get("servers_contacted", []))
            print("%-15s %3d %5.0f ms | %6.1f ms | %6.1f ms %6.1f ms %4.1f ms %4.1f ms %5d %6.1f ms | %6.1f ms "
                  "%4.1f ms %6.1f ms | %6.2f  %s" % (
                      case, i + 1, probes["probes_ms"], probes["loop_max_gap_ms"],
                      probes["loop_settled_max_gap_ms"], probes["loop_settled_max_own_gap_ms"],
                      probes["loop_settled_max_cpu_ms"],
                      probes["loop_settled_p99_gap_ms"],
                      probes["loop_settled_gaps_over_20ms"], probes["frame_settled_max_gap_ms"],
                      base["loop_max_gap_ms"], base["loop_p99_gap_ms"], base["frame_max_gap_ms"],
                      probes["loop_settled_max_gap_ms"] / base["loop_max_gap_ms"],
                      "%s, %s from %d source(s), NAT %s, UPnP %s, %d port(s), %d updates" % (
                          report.get("local_address"), report.get("external_ipv4"),
                          report.get("external_sources", 0), report.get("nat"),
                          report.get("upnp_model") if report.get("upnp_found") else "not found",
                          report.get("ports", 0), probes["updated"])), flush=True)

    print("  servers the checks contacted: %s" % (", ".join(sorted(contacted)) or "none"))
    print()
    for case in cases:
        runs = [r for r in all_runs if r[0] == case]
        stall, base = max(r[1]["loop_settled_max_gap_ms"] for r in runs), max(r[2]["loop_max_gap_ms"] for r in runs)
        print("  %-15s longest stall %5.1f ms (median of the runs' longest %5.1f ms), idle baseline %5.1f ms "
              "(median %5.1f ms), ratio %.2f; from map, with the window's first paint: %5.1f ms" % (
                  case, stall, med([r[1]["loop_settled_max_gap_ms"] for r in runs]),
                  base, med([r[2]["loop_max_gap_ms"] for r in runs]), stall / base,
                  max(r[1]["loop_max_gap_ms"] for r in runs)))
    own = max(all_runs, key=lambda r: r[1]["loop_settled_max_own_gap_ms"])
    own_max = own[1]["loop_settled_max_own_gap_ms"]
    sentinel = all(r[1].get("sentinel") == "real-time" for r in all_runs)
    print("  the CPUs stood still (a real-time thread woke late: a virtual machine's host took them, or the "
          "kernel held them with interrupts off) "
          "for %.1f ms of CPU time in all over the runs' checks, %s" % (
              sum(r[1].get("machine_stalled_ms", 0.0) for r in all_runs),
              "real-time sentinel" if sentinel else "sentinel NOT real-time: not taken out"))
    print("  longest stall after the first frame with the machine's own stops taken out: %.1f ms (%s); "
          "target <= %.0f ms: %s" % (own_max, own[0], STALL_TARGET_MS,
                                     "met" if own_max <= STALL_TARGET_MS else "NOT met"))
    top = max(all_runs, key=lambda r: r[1]["loop_settled_max_gap_ms"])
    stall_max = top[1]["loop_settled_max_gap_ms"]
    base_max = max(r[2]["loop_max_gap_ms"] for r in all_runs)
    paint_max = max(r[1]["loop_max_gap_ms"] for r in all_runs)
    print("  longest main-loop stall while the checks run, after the first frame: %.1f ms (%s); idle "
          "baseline %.1f ms; ratio %.2f; target <= %.0f ms: %s" % (
              stall_max, top[0], base_max, stall_max / base_max, STALL_TARGET_MS,
              "met" if stall_max <= STALL_TARGET_MS else "NOT met"))
    print("  counting from the window's map, the first paint included: %.1f ms (%s)" % (
        paint_max, "met" if paint_max <= STALL_TARGET_MS else "NOT met"))
    print("  that run's longest gaps after the first frame: %s" % longest_str(top[1]["loop_settled_longest"]))
    busy = max(all_runs, key=lambda r: r[1]["loop_settled_max_cpu_ms"])
    cpu_max = busy[1]["loop_settled_max_cpu_ms"]
    print("  the main thread's own work: the busiest gap after the first frame held the loop for %.1f ms of CPU "
          "(%s; target <= %.0f ms: %s); the busiest gaps of that run: %s" % (
              cpu_max, busy[0], STALL_TARGET_MS, "met" if cpu_max <= STALL_TARGET_MS else "NOT met",
              longest_str(busy[1]["loop_settled_busiest"])))
    print("  slowest ::updated emission (all its handlers), over all runs: %.1f ms; slowest ::finished: %.1f ms"
          % (max(r[1]["handler_max_ms"] for r in all_runs), max(r[1]["finished_handlers_ms"] for r in all_runs)))
    print("  a frame's CPU time, the most over all runs: ticks (the pages' refreshes) %.1f ms, layout %.1f ms, "
          "snapshot and render %.1f ms" % (
              max(r[1]["frame_update_cpu_max_ms"] for r in all_runs),
              max(r[1]["frame_layout_cpu_max_ms"] for r in all_runs),
              max(r[1]["frame_paint_cpu_max_ms"] for r in all_runs)))
    result["stall"] = {"runs": [{"case": c, "probes": pr, "baseline": ba, "report": re}
                                for c, pr, ba, re in all_runs],
                       "max_ms": stall_max, "baseline_max_ms": base_max, "from_map_max_ms": paint_max,
                       "max_cpu_ms": cpu_max, "max_own_ms": own_max}
    summary = {"renderer": renderer, "ratio": ratio, "cases": {}}
    for case in cases:
        runs = [r for r in all_runs if r[0] == case]
        summary["cases"][case] = {
            "max_ms": max(r[1]["loop_settled_max_gap_ms"] for r in runs),
            "median_ms": med([r[1]["loop_settled_max_gap_ms"] for r in runs]),
            "max_own_ms": max(r[1]["loop_settled_max_own_gap_ms"] for r in runs),
            "median_own_ms": med([r[1]["loop_settled_max_own_gap_ms"] for r in runs]),
            "max_cpu_ms": max(r[1]["loop_settled_max_cpu_ms"] for r in runs),
            "median_cpu_ms": med([r[1]["loop_settled_max_cpu_ms"] for r in runs]),
            "baseline_median_ms": med([r[2]["loop_max_gap_ms"] for r in runs])}
    return result, summary


def main():
    ap = argparse.ArgumentParser(usage=USAGE.replace("usage: ", "", 1),
                                 description=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="_build")
    ap.add_argument("--program")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--stall-runs", type=int, default=5)
    ap.add_argument("--stalls", default="welcome,checks+restart")
    ap.add_argument("--profile", default="port-restricted")
    ap.add_argument("--renderer", default="cairo,default")
    ap.add_argument("--json")
    ap.add_argument("--no-window-manager", action="store_true")
    a = ap.parse_args()
    if a.program is None:
        a.program = os.path.join(a.build, "tests", "gui-bench")
    a.program = os.path.abspath(a.program)
    if not os.access(a.program, os.X_OK):
        sys.stderr.write("gui-bench: no program at %s (build it, or give --program)\n%s\n" % (a.program, USAGE))
        return 2
    if os.geteuid() != 0:
        sys.stderr.write("gui-bench: must run as root (network namespaces)\n")
        return SKIP
    missing = [t for t in ("Xvfb", "dbus-daemon", "ip") if shutil.which(t) is None]
    if missing:
        sys.stderr.write("gui-bench: missing %s\n" % ", ".join(missing))
        return SKIP
    if a.runs < 1 or a.stall_runs < 1:
        sys.stderr.write("gui-bench: --runs and --stall-runs want at least 1\n")
        return 2
    cases = [c for c in a.stalls.split(",") if c]
    renderers = [r for r in a.renderer.split(",") if r]
    if not renderers:
        sys.stderr.write("gui-bench: --renderer wants cairo, default or a list of them\n")
        return 2

    def on_signal(signum, _):
        raise Interrupted("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # Orphans of what we start (the bus's accessibility bus) come back to us, to be reaped
    LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    b = Bench(a)
    result = {"program": a.program, "runs": a.runs, "profile": a.profile}
    t_all = time.monotonic()
    try:
        display = b.start_xvfb()
        if not a.no_window_manager:
            b.mark_window_manager(display)
        bus = b.start_bus()
        lab = b.lab_up()
        b.env = dict(os.environ, DISPLAY=display, DBUS_SESSION_BUS_ADDRESS=bus,
                     XDG_RUNTIME_DIR=b.tmp, LANG="C.UTF-8", LANGUAGE="en")
        b.env.pop("WAYLAND_DISPLAY", None)
        print("gui-bench: %s, Xvfb %s, renderers %s, lab %s (%s, miniupnpd), checks in %s"
              % (a.program, display, ", ".join(renderers), lab["NETLAB_PREFIX"], a.profile, lab["NETLAB_NS_LAN"]),
              flush=True)

        result["renderers"] = []
        summaries = []
        for renderer in renderers:
            r, summary = one_renderer(b, a, renderer, cases)
            result["renderers"].append(r)
            summaries.append(summary)

        print()
        print("in all, %d run(s) per case; the longest stall after the first frame (median of the runs' longest), "
              "the same with the machine's own stops taken out (own), and the main thread's CPU time in its "
              "busiest gap (median), target <= %.0f ms; first frame sesame / minimal, target <= %.1f:" % (
                  a.stall_runs, STALL_TARGET_MS, FIRST_FRAME_TARGET))
        for summary in summaries:
            print("  %-8s first frame %.2f; %s" % (
                summary["renderer"], summary["ratio"],
                "; ".join("%s %.1f ms (%.1f), own %.1f ms (%.1f), cpu %.1f ms (%.1f), idle baseline median %.1f ms"
                          % (case, c["max_ms"], c["median_ms"], c["max_own_ms"], c["median_own_ms"],
                             c["max_cpu_ms"], c["median_cpu_ms"], c["baseline_median_ms"])
                          for case, c in summary["cases"].items())))
        print("load average %.2f %.2f %.2f" % os.getloadavg())
    except Interrupted as e:
        print("gui-bench: interrupted (%s)" % e)
        return 130
    except Failed as e:
        print("gui-bench: %s" % e)
        return 1
    finally:
        b.teardown()
        if a.json:
            with open(a.json, "w") as f:
                json.dump(result, f, indent=1)
    print("gui-bench: %.0f s in all" % (time.monotonic() - t_all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
