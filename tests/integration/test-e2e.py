#!/usr/bin/env python3
"""End-to-end ui test (TAP): the wizard as a person lives it, in the lab.

For each of three netlab labs — full cone with UPnP, carrier-grade NAT
(UPnP on the home router, which cannot help) and UDP blocked — this brings
the lab up and runs tests/test-e2e.c (SESAME_E2E) in the lab's LAN namespace
under Xvfb with GLX, in the UI language of LANGUAGE (meson runs it once with
en and once with ja) and GTK's default renderer:

  * full-cone: first start with no saved plan, every page with the keyboard,
    the checks page (public address, NAT type, each port's verdict, automatic
    setup), the checklist offering the mappings, the checklist saved as PDF;
    then a second start ("Welcome Back"), Check Again while the lab's router
    is replaced (`netlab swap-router`: another LAN hardware address, another
    UPnP device, AVM FRITZ!Box 7590), the router-change notice, "I Replaced
    My Router" and the printed router change checklist naming the new router;
  * cgnat: the checks page and the saved PDF say forwarding cannot work (the
    carrier-grade NAT finding's title), the checklist offers no mappings;
  * udp-blocked: the UDP port's row says UDP does not get through.

One TAP line per lab; the program's own output follows as # lines.

Environment: SESAME_E2E (the test program, required), SESAME_REFLECTOR (the
lab's /ip and /check from sesame-reflector), LANGUAGE, SESAME_E2E_LABS (some
of the labs only, by hand: "cgnat,udp-blocked"), SESAME_E2E_VERBOSE (the
program's output for labs that pass too), SESAME_SKIP_EXIT (exit
status of a skip, default 77; meson sets 0). Needs root, xvfb-run,
pdftotext and what netlab needs.
"""
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETLAB = os.path.join(HERE, "netlab")

# (profile, netlab up options)
LABS = [
    ("full-cone", ["--upnp"]),
    ("cgnat", ["--upnp"]),
    ("udp-blocked", ["--upnp"]),
]
LAB_TIMEOUT = int(os.environ.get("SESAME_E2E_TIMEOUT", "150"))
if os.environ.get("SESAME_E2E_LABS"):   # a few, to run by hand: "cgnat,udp-blocked"
    LABS = [lab for lab in LABS if lab[0] in os.environ["SESAME_E2E_LABS"].split(",")]

UP = []


def run(argv, timeout=60, env=None, cwd=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or "", e.stderr or ""


def lab_up(profile, prefix, options):
    argv = [NETLAB, "up", profile, "--prefix", prefix, "--ttl", "600", "-q"] + options
    UP.append(prefix)
    rc, out, err = run(argv, 90)
    if rc != 0:
        raise RuntimeError("netlab up %s failed: %s" % (profile, (err or out).strip()[-400:]))


def lab_down(prefix):
    run([NETLAB, "down", "--prefix", prefix, "-q"], 60)
    if prefix in UP:
        UP.remove(prefix)


def skip(why):
    print("1..0 # SKIP %s" % why)
    sys.exit(int(os.environ.get("SESAME_SKIP_EXIT", "77")))


def comment(text):
    for line in str(text).splitlines():
        print("# %s" % line, flush=True)


def tap_verdict(out):
    """The program's own TAP: every test passed, none skipped"""
    oks = [line for line in out.splitlines() if line.startswith("ok ") or line.startswith("not ok ")]
    if not oks:
        return False, "no test result"
    for line in oks:
        if line.startswith("not ok") or "# SKIP" in line.upper():
            return False, line
    return True, ""


def main():
    program = os.environ.get("SESAME_E2E", "")
    if os.geteuid() != 0:
        skip("needs root (network namespaces)")
    for tool in ("ip", "nft", "turnserver", "xvfb-run", "pdftotext"):
        if shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None:
            skip("%s is missing" % tool)
    if not os.access("/usr/sbin/miniupnpd", os.X_OK):
        skip("miniupnpd is missing")
    if not program or not os.access(program, os.X_OK):
        skip("SESAME_E2E is not set to the test-e2e program")
    if os.environ.get("SESAME_REFLECTOR"):
        os.environ["NETLAB_REFLECTOR"] = os.environ["SESAME_REFLECTOR"]

    def on_signal(signum, _):
        print("Bail out! signal %d" % signum, flush=True)
        for prefix in list(UP):
            lab_down(prefix)
        sys.exit(1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    language = os.environ.get("LANGUAGE", "en") or "en"
    base = "e2e%s%d" % (language[:2], os.getpid() % 1000)
    print("1..%d" % len(LABS), flush=True)
    failed = 0
    for n, (profile, options) in enumerate(LABS, 1):
        prefix = "%s-%d" % (base, n)
        t0 = time.monotonic()
        ok, why, out, err = False, "", "", ""
        try:
            lab_up(profile, prefix, options)
            env = dict(os.environ)
            # The person's own session bus is not the lab's: the program
            # registers on none (GApplication then runs on its own)
            env.pop("DBUS_SESSION_BUS_ADDRESS", None)
            env["SESAME_E2E_LAB"] = profile
            env["SESAME_E2E_SWAP_ROUTER"] = " ".join(shlex.quote(a) for a in
                                                     [NETLAB, "swap-router", "--prefix", prefix, "-q"])
            argv = ["ip", "netns", "exec", prefix + "-lan",
                    "xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 +extension GLX",
                    program, "--tap", "-p", "/e2e/" + profile]
            # in a folder of its own: nothing it might save lands in the tree
            # (and its temporary files, even those of a run that failed)
            with tempfile.TemporaryDirectory(prefix="sesame-e2e-") as cwd:
                env["TMPDIR"] = cwd
                rc, out, err = run(argv, LAB_TIMEOUT, env, cwd)
            ok, why = tap_verdict(out)
            if rc != 0:
                ok, why = False, "exit status %s%s" % (rc, "; " + why if why else "")
        except RuntimeError as e:
            why = str(e)
        finally:
            lab_down(prefix)
        elapsed = time.monotonic() - t0
        print("%s %d - %s, UI %s: walked through, %.0f s%s" % ("ok" if ok else "not ok", n, profile, language,
                                                             elapsed, "" if ok else " (%s)" % why), flush=True)
        if not ok:
            failed += 1
            comment(out)
            comment(err[-6000:])
        elif os.environ.get("SESAME_E2E_VERBOSE"):
            comment(out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
