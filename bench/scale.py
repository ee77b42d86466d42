#!/usr/bin/env python3
"""How `hmon watch` scales with the number of watched accounts: warm-up, mirror requests/s, change-seen latency, RSS.

For each number of accounts N (default 1,000, 10,000 and 100,000) and each network rate (default 50 and 500
transactions a second), it starts the fake mirror (bench/fake_mirror.py: N generated accounts, that rate, a block
published every 2 s) and `hmon --json watch` with a config watching all N accounts (bench/serve_setup.py
write_config: `rate_limit = 20`, hmon's default interval (10 s) and batch size), then measures:

- warm-up: the time from hmon's start until every watched account has had an `account_balance_hbar` sample, at most
  WARMUP_LIMIT seconds ("not reached in …" when it takes longer);
- steady requests/s: the requests the fake mirror served over the WINDOW seconds after the warm-up (or after its
  limit), from its own count (`/bench/stats`, per kind of path);
- change-seen latency, p50 and p95: for every hbar balance change of a watched account that became visible on the
  fake mirror during the window (`/bench/changes`: the time its block was published), the time until hmon printed that
  balance or a later one of the same account, waiting up to DRAIN seconds after the window; a change not seen by then
  counts as longer than DRAIN ("> DRAIN s" when a percentile falls on one);
- hmon's peak resident memory (VmHWM).

hmon's stdout is read on a thread of its own, each line stamped when it arrives; only the balance samples are parsed.
If hmon reports skipped events (`lagged`, its reader was too slow) the script says so. Every run is bounded by
WARMUP_LIMIT + WINDOW + DRAIN plus start-up. Nothing here depends on how hmon collects, so the same script measures
before and after a change to the collector.

Usage: bench/scale.py [path/to/hmon] [--accounts 1000,10000] [--tps 50,500] [--warmup-limit 600] [--window 60]
       [--drain 120] [--batch-size N] [--json FILE]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from serve_setup import ROOT, clean_env, start_mirror, stop, write_config
from fake_network import FIRST_GENERATED

NS = 1_000_000_000


class Samples(threading.Thread):
    """Reads hmon's JSON Lines: balance samples as (arrival ns, account num, tinybars), and the accounts seen."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lock = threading.Lock()
        self.pending = []
        self.sampled = set()
        self.lagged = 0

    def run(self):
        for line in self.stream:
            at = time.time_ns()
            if b'"account_balance_hbar"' in line:
                event = json.loads(line)
                num = int(event["labels"]["account"].rsplit(".", 1)[1])
                with self.lock:
                    self.pending.append((at, num, round(event["value"] * 1e8)))
                    self.sampled.add(num)
            elif b'"lagged"' in line:
                self.lagged += json.loads(line).get("missed", 0)

    def take(self, until):
        """The samples that arrived up to `until` (ns), in order of arrival."""
        with self.lock:
            cut = next((k for k, s in enumerate(self.pending) if s[0] > until), len(self.pending))
            taken, self.pending = self.pending[:cut], self.pending[cut:]
            return taken

    def seen(self):
        with self.lock:
            return len(self.sampled)


class Latency:
    """Matches hmon's balance samples to the fake mirror's changes: a change counts as seen when hmon shows its
    balance, or that of a later change of the same account, no earlier than it became visible."""

    def __init__(self, mirror_url):
        self.url = mirror_url
        self.next = 0
        self.changes = {}  # num -> [(visible ns, tinybars after)]
        self.position = {}  # num -> index of the first change not yet seen
        self.seen_at = {}  # (num, index) -> ns seen
        self.visible = []  # (visible ns, num, index) of every change, in order

    def fetch(self):
        while True:
            with urllib.request.urlopen(f"{self.url}/bench/changes?since={self.next}", timeout=30) as r:
                body = json.load(r)
            for visible, num, tinybars, _consensus in body["changes"]:
                own = self.changes.setdefault(num, [])
                self.visible.append((visible, num, len(own)))
                own.append((visible, tinybars))
            if body["next"] == self.next:
                return
            self.next = body["next"]

    def match(self, samples):
        for at, num, tinybars in samples:
            own = self.changes.get(num, [])
            first = self.position.get(num, 0)
            for j in range(len(own) - 1, first - 1, -1):
                if own[j][1] == tinybars and own[j][0] <= at:
                    for k in range(first, j + 1):
                        self.seen_at[(num, k)] = at
                    self.position[num] = j + 1
                    break

    def window(self, start, end):
        """[(num, index, visible)] of the changes that became visible in [start, end]."""
        return [(num, k, v) for v, num, k in self.visible if start <= v <= end]


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`, where None stands for longer than any seen."""
    if not values:
        return "n/a"
    ordered = sorted(values, key=lambda v: float("inf") if v is None else v)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def run(hmon, accounts, tps, args, tmp):
    """One run: the figures of `hmon watch` watching `accounts` accounts on a network at `tps`."""
    mirror, url = start_mirror(accounts, tps)
    process = None
    try:
        config = os.path.join(tmp, f"scale-{accounts}-{tps}.toml")
        write_config(config, url, accounts, rate_limit=20, batch_size=args.batch_size)
        stderr = open(os.path.join(tmp, f"hmon-{accounts}-{tps}.stderr"), "w")
        started = time.time_ns()
        process = subprocess.Popen([hmon, "--config", config, "--json", "watch"], env=clean_env(),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
        samples = Samples(process.stdout)
        samples.start()
        latency = Latency(url)

        reported = [started]

        def tick(until_ns):
            """Follows the fake's changes and hmon's samples until `until_ns` or until hmon exits."""
            while time.time_ns() < until_ns:
                if process.poll() is not None:
                    sys.exit(f"hmon exited with {process.returncode}: see {stderr.name}")
                now = time.time_ns()
                latency.fetch()
                latency.match(samples.take(now))
                if until_ns == warmup_deadline and samples.seen() >= accounts:
                    return
                if now - reported[0] >= 60 * NS:
                    reported[0] = now
                    progress(f"  {(now - started) / NS:4.0f} s: {samples.seen()} of {accounts} accounts sampled")
                time.sleep(1.0)

        warmup_deadline = started + int(args.warmup_limit * NS)
        tick(warmup_deadline)
        warm = samples.seen() >= accounts
        warmup = (time.time_ns() - started) / NS if warm else None
        progress(f"  warm-up: {f'{warmup:.1f} s' if warm else f'not reached in {args.warmup_limit:.0f} s'} "
                 f"({samples.seen()} of {accounts} accounts sampled)")
        before, window_start = get_json(f"{url}/bench/stats"), time.time_ns()
        tick(window_start + int(args.window * NS))
        after, window_end = get_json(f"{url}/bench/stats"), time.time_ns()
        changes = latency.window(window_start, window_end)
        drain_end = window_end + int(args.drain * NS)
        while time.time_ns() < drain_end and any((n, k) not in latency.seen_at for n, k, _ in changes):
            tick(min(drain_end, time.time_ns() + 5 * NS))
        rss = peak_rss(process.pid)
        seconds = (window_end - window_start) / NS
        kinds = {k: (after["requests"].get(k, 0) - before["requests"].get(k, 0)) / seconds
                 for k in set(after["requests"]) | set(before["requests"])}
        waits = [(latency.seen_at[(n, k)] - v) / NS if (n, k) in latency.seen_at else None for n, k, v in changes]
        return {
            "accounts": accounts, "tps": tps, "warmup_s": warmup, "warmup_limit_s": args.warmup_limit,
            "requests_per_s": sum(kinds.values()), "requests_per_s_by_path": kinds,
            "changes": len(changes), "changes_seen": sum(w is not None for w in waits),
            "latency_p50_s": percentile(waits, 50), "latency_p95_s": percentile(waits, 95), "drain_s": args.drain,
            "peak_rss_bytes": rss, "lagged_events": samples.lagged,
            "mirror_transactions_per_s": (after["transactions"] - before["transactions"]) / seconds,
        }
    finally:
        if process is not None:
            stop(process)
        stop(mirror)


def progress(text):
    print(text, file=sys.stderr, flush=True)


def show(r):
    warm = f"{r['warmup_s']:.1f} s" if r["warmup_s"] is not None else f"not reached in {r['warmup_limit_s']:.0f} s"
    wait = lambda v: v if isinstance(v, str) else (f"> {r['drain_s']:.0f} s" if v is None else f"{v:.1f} s")  # noqa
    rss = f"{r['peak_rss_bytes'] / 1e6:.0f} MB" if r["peak_rss_bytes"] else "?"
    return (f"{r['accounts']:>9,} {r['tps']:>5g}  {warm:<24} {r['requests_per_s']:>7.1f}  {wait(r['latency_p50_s']):>9} "
            f"{wait(r['latency_p95_s']):>9}  {r['changes_seen']:>7,}/{r['changes']:<7,}  {rss:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hmon", nargs="?", default=os.path.join(ROOT, "target", "release", "hmon"))
    parser.add_argument("--accounts", default="1000,10000,100000", help="watched accounts, comma-separated")
    parser.add_argument("--tps", default="50,500", help="network transactions a second, comma-separated")
    parser.add_argument("--warmup-limit", type=float, default=600.0, help="seconds to wait for the warm-up")
    parser.add_argument("--window", type=float, default=60.0, help="seconds of steady state measured")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for the window's changes")
    parser.add_argument("--batch-size", type=int, default=None, help="[collect] batch_size (default: hmon's)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="hmon-scale-") as tmp:
        for accounts in (int(a) for a in args.accounts.split(",")):
            for tps in (float(t) for t in args.tps.split(",")):
                progress(f"{accounts} accounts, {tps:g} transactions/s (0.0.{FIRST_GENERATED} on)")
                results.append(run(args.hmon, accounts, tps, args, tmp))
                progress("  " + show(results[-1]))
    print(f"hmon watch, rate_limit = 20, window {args.window:.0f} s, latency from a change's visibility on the "
          f"mirror to hmon's sample")
    print(f"{'accounts':>9} {'tps':>5}  {'warm-up':<24} {'req/s':>7}  {'p50 seen':>9} {'p95 seen':>9}  "
          f"{'changes seen':>15}  {'peak RSS':>8}")
    for r in results:
        print(show(r))
    for r in results:
        by_path = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["requests_per_s_by_path"].items()) if v)
        print(f"  {r['accounts']:,} at {r['tps']:g} tps: req/s by path: {by_path or 'none'}; the mirror made "
              f"{r['mirror_transactions_per_s']:.0f} transactions/s" +
              (f"; hmon skipped {r['lagged_events']} events (lagged)" if r["lagged_events"] else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
