#!/usr/bin/env python3
"""labwire: a userspace Ethernet link between two network namespaces with
one-way delay and random loss in each direction (standard library only).

netlab uses it for "--impair tap" on kernels without tc netem (sch_netem). It
creates TAP device IF_A in namespace NS_A and IF_B in NS_B (namespaces given as
/run/netns/NAME) and copies frames between them; the devices disappear when it
exits (SIGTERM, or after --max-seconds). The process itself stays in the
namespace it was started in and opens no socket.

  labwire.py --ns-a /run/netns/X --if-a wan0 --ns-b /run/netns/Y --if-b isp0 [--delay MS] [--jitter MS] [--loss PCT]
"""
import argparse
import ctypes
import fcntl
import heapq
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
MAX_IN_FLIGHT = 10000

libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(path_or_fd):
    fd = os.open(path_or_fd, os.O_RDONLY) if isinstance(path_or_fd, str) else path_or_fd
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns(%s): %s" % (path_or_fd, os.strerror(e)))
    finally:
        if isinstance(path_or_fd, str):
            os.close(fd)


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ns-a", required=True)
    ap.add_argument("--if-a", required=True)
    ap.add_argument("--ns-b", required=True)
    ap.add_argument("--if-b", required=True)
    ap.add_argument("--delay", type=float, default=0.0, help="ms, each direction")
    ap.add_argument("--jitter", type=float, default=0.0,
                    help="ms: each frame's delay is uniform in delay ± jitter (frames may overtake)")
    ap.add_argument("--loss", type=float, default=0.0, help="percent, each direction")
    ap.add_argument("--max-seconds", type=float, default=0.0)
    a = ap.parse_args()

    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    enter_netns(a.ns_a)
    fa = open_tap(a.if_a)
    enter_netns(a.ns_b)
    fb = open_tap(a.if_b)
    enter_netns(home)
    os.close(home)

    running = [True]
    stats = {"frames": 0, "lost": 0, "dropped_full": 0}

    def stop(*_):
        # exit at once: the kernel closes both TAP devices, which removes them
        sys.stderr.write("labwire exit on signal %r\n" % stats)
        sys.stderr.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    delay = max(0.0, a.delay) / 1000.0
    jitter = min(max(0.0, a.jitter), max(0.0, a.delay)) / 1000.0
    loss = min(100.0, max(0.0, a.loss)) / 100.0
    peer = {fa: fb, fb: fa}
    queue = []          # (due, seq, out_fd, frame); a fixed delay keeps each direction in order
    seq = 0
    end = time.monotonic() + a.max_seconds if a.max_seconds > 0 else None
    sys.stderr.write("labwire %s:%s <-> %s:%s delay %.1f ms jitter %.1f ms loss %.2f%%\n"
                     % (a.ns_a, a.if_a, a.ns_b, a.if_b, delay * 1000, jitter * 1000, loss * 100))
    sys.stderr.flush()
    while running[0]:
        now = time.monotonic()
        if end is not None and now >= end:
            break
        timeout = 0.5 if not queue else max(0.0, queue[0][0] - now)
        try:
            ready, _, _ = select.select([fa, fb], [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in ready:
            for _ in range(256):
                try:
                    frame = os.read(fd, 65536)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                stats["frames"] += 1
                if loss and random.random() < loss:
                    stats["lost"] += 1
                    continue
                if delay == 0:
                    try:
                        os.write(peer[fd], frame)
                    except OSError:
                        pass
                    continue
                if len(queue) >= MAX_IN_FLIGHT:
                    stats["dropped_full"] += 1
                    continue
                seq += 1
                due = now + delay + (random.uniform(-jitter, jitter) if jitter else 0.0)
                heapq.heappush(queue, (due, seq, peer[fd], frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                os.write(out, frame)
            except OSError:
                pass
    sys.stderr.write("labwire exit %r\n" % stats)
    os.close(fa)
    os.close(fb)


if __name__ == "__main__":
    main()
