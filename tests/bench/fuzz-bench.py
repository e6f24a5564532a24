#!/usr/bin/env python3
"""fuzz-bench.py: every libFuzzer target of a fuzz build for a while, side by side

    tests/bench/fuzz-bench.py --build _build-fuzz [--seconds 600] [--baseline stun] [--only a,b]

Builds nothing: the build directory must be configured with -Dfuzzing=true (CI
adds -Db_sanitize=address,undefined) and compiled. Each target runs as its meson
test does (the same arguments, input length limit and sanitizer options, read
from `meson introspect --tests`), but for --seconds (default 10 minutes) and
from its seeds alone, in a fresh corpus, one target at a time. For each it
prints the executions, executions per second, libFuzzer's coverage (`cov:`
edges, `ft:` features), the corpus it grew, and its speed against the baseline
target measured in the same run (the STUN parser by default). A target that
finds something is marked, with the input libFuzzer wrote.

Exit status: 0 when nothing was found, 1 when a target crashed, leaked or hung,
2 for bad usage.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

DONE_RE = re.compile(r"^#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+).*?exec/s: (\d+)", re.M)
PROGRESS_RE = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+).*?exec/s: (\d+)", re.M)
STAT_RE = re.compile(r"^stat::(\w+):\s+(\d+)", re.M)
ARTIFACT_RE = re.compile(r"Test unit written to (\S+)")


def fuzz_tests(build):
    try:
        out = subprocess.run(["meson", "introspect", build, "--tests"], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("fuzz-bench: cannot read the tests of %s (%s)" % (build, e))
    tests = {}
    for test in json.loads(out):
        if any(s == "fuzz" or s.endswith(":fuzz") for s in test.get("suite", [])):
            tests[test["name"].removeprefix("fuzz-")] = test
    return tests


def command(test, seconds, corpus, artifacts):
    """The meson test's command, for SECONDS, growing CORPUS from the seeds alone"""
    exe, *args = test["cmd"]
    paths = [a for a in args if not a.startswith("-")]
    kept = [a for a in args if a.startswith("-") and not a.startswith(("-max_total_time=", "-artifact_prefix="))]
    seeds = paths[-1:]  # the first path is the build's own corpus, the last the seeds
    return [exe] + kept + ["-max_total_time=%d" % seconds, "-artifact_prefix=" + artifacts + "/",
                           corpus] + seeds


def run_target(name, test, seconds, workdir):
    corpus = os.path.join(workdir, "corpus-" + name)
    artifacts = os.path.join(workdir, "artifacts-" + name)
    os.makedirs(corpus)
    os.makedirs(artifacts)
    env = dict(os.environ)
    env.update(test.get("env") or {})
    cmd = command(test, seconds, corpus, artifacts)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True,
                           errors="replace", timeout=seconds + 120)
        rc, log = p.returncode, p.stderr + p.stdout
    except subprocess.TimeoutExpired as e:
        rc = "hung"
        log = (e.stderr or b"").decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
    wall = time.monotonic() - t0

    result = {"name": name, "rc": rc, "wall": wall, "runs": 0, "execs": 0.0, "cov": 0, "ft": 0,
              "corpus": 0, "found": None}
    stats = dict((k, int(v)) for k, v in STAT_RE.findall(log))
    done = DONE_RE.findall(log) or PROGRESS_RE.findall(log)[-1:]
    if done:
        runs, cov, ft, corp, _size, _execs = done[-1]
        result.update(runs=int(runs), cov=int(cov), ft=int(ft), corpus=int(corp))
    if "number_of_executed_units" in stats:
        result["runs"] = stats["number_of_executed_units"]
    # libFuzzer's own average counts the start-up; runs over the time fuzzed is the steadier figure
    result["execs"] = result["runs"] / max(min(wall, seconds), 1e-3)
    artifact = ARTIFACT_RE.findall(log)
    if rc != 0:
        result["found"] = artifact[-1] if artifact else "exit status %s" % rc
        kept_log = os.path.join(artifacts, "log")
        with open(kept_log, "w") as f:
            f.write(log)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="the fuzz build directory (meson, -Dfuzzing=true)")
    ap.add_argument("--seconds", type=int, default=600, help="how long each target runs (default 600)")
    ap.add_argument("--baseline", default="stun", help="the target the others' speed is compared with")
    ap.add_argument("--only", help="comma-separated targets to run (the baseline always runs)")
    ap.add_argument("--keep", help="keep corpora, inputs found and logs in this directory")
    a = ap.parse_args()

    if a.seconds < 1:
        ap.error("--seconds must be at least 1")
    tests = fuzz_tests(a.build)
    if not tests:
        ap.error("%s has no fuzz tests: configure it with -Dfuzzing=true" % a.build)
    if a.baseline not in tests:
        ap.error("no fuzz target %r (there are: %s)" % (a.baseline, ", ".join(sorted(tests))))
    names = sorted(tests)
    if a.only:
        wanted = [n for n in a.only.split(",") if n]
        unknown = [n for n in wanted if n not in tests]
        if unknown:
            ap.error("no fuzz target %s (there are: %s)" % (", ".join(unknown), ", ".join(names)))
        names = [n for n in names if n in wanted or n == a.baseline]
    missing = [n for n in names if not os.access(tests[n]["cmd"][0], os.X_OK)]
    if missing:
        sys.exit("fuzz-bench: not built: %s (meson compile -C %s)" % (", ".join(missing), a.build))

    # The baseline first, so that its figure is there to compare with as the rest run
    names.sort(key=lambda n: n != a.baseline)
    workdir = a.keep or tempfile.mkdtemp(prefix="sesame-fuzz-bench-")
    os.makedirs(workdir, exist_ok=True)
    print("# %d targets, %d s each, baseline %s, in %s" % (len(names), a.seconds, a.baseline, workdir))
    sys.stdout.flush()

    results = []
    try:
        for name in names:
            r = run_target(name, tests[name], a.seconds, workdir)
            results.append(r)
            print("# %-18s %9d runs  %9.0f exec/s  cov %5d  ft %6d%s" % (
                name, r["runs"], r["execs"], r["cov"], r["ft"],
                "  FOUND " + r["found"] if r["found"] else ""))
            sys.stdout.flush()
    finally:
        found = any(r["found"] for r in results)
        if not a.keep and not found:
            shutil.rmtree(workdir, ignore_errors=True)
        elif found:
            print("# what was found, with each target's log, is kept in %s" % workdir)

    base = next(r for r in results if r["name"] == a.baseline)
    print()
    header = "%-18s %10s %10s %6s %7s %7s %9s  %s" % (
        "target", "runs", "exec/s", "cov", "ft", "corpus", "vs " + a.baseline, "result")
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = r["execs"] / base["execs"] if base["execs"] > 0 else float("nan")
        print("%-18s %10d %10.0f %6d %7d %7d %8.3fx  %s" % (
            r["name"], r["runs"], r["execs"], r["cov"], r["ft"], r["corpus"], ratio,
            ("FOUND " + r["found"]) if r["found"] else "nothing found"))
    return 1 if any(r["found"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
