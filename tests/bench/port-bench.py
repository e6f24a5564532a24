#!/usr/bin/env python3
"""Benchmark: port checks run in parallel.

In a port-restricted lab (tests/integration/netlab) with nothing forwarded,
every check waits for the check service's connect-back timeout. Sesame's
probe with one port is the baseline; with ten ports it should cost about the
same, not ten times as much. Prints both medians and the ratio.

Usage: sudo SESAME_CLI=_build/src/cli/sesame-cli tests/bench/port-bench.py [--runs N]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETLAB = os.path.join(HERE, "..", "integration", "netlab")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    cli = os.environ.get("SESAME_CLI")
    if not cli or os.geteuid() != 0:
        sys.exit("usage: sudo SESAME_CLI=path/to/sesame-cli %s [--runs N]" % sys.argv[0])

    prefix = "pbench%d" % (os.getpid() % 10000)
    subprocess.run([NETLAB, "up", "port-restricted", "--upnp", "--prefix", prefix, "-q"], check=True)
    try:
        results = {}
        for count in (1, 10):
            ports = []
            for i in range(count):
                ports += ["--port", "tcp/%d" % (42000 + i)]
            walls = []
            for _ in range(args.runs):
                start = time.monotonic()
                out = subprocess.run([NETLAB, "exec", "lan", "--prefix", prefix, "--", cli, "probe", "--json",
                                      "--no-defaults", "--stun", "198.51.100.1:3478",
                                      "--check-url", "http://198.51.100.1/check?port={port}&proto={proto}",
                                      "--deadline-ms", "30000"] + ports,
                                     capture_output=True, text=True, check=True).stdout
                walls.append((time.monotonic() - start) * 1000)
                states = {p["reachable"] for p in json.loads(out)["ports"]}
                if states != {"filtered"}:
                    print("warning: %d ports gave %s, expected filtered" % (count, sorted(states)))
            results[count] = statistics.median(walls)
            print("%2d port(s): median %5.0f ms over %d runs" % (count, results[count], args.runs))
        print("ratio 10 ports / 1 port (baseline): %.2f" % (results[10] / results[1]))
    finally:
        subprocess.run([NETLAB, "down", "--prefix", prefix, "-q"])


if __name__ == "__main__":
    main()
