#!/usr/bin/env python3
"""Resident memory of `hmon serve` watching 10,000 accounts for 10 minutes (target: under 150 MB).

The fake mirror (bench/fake_mirror.py) serves 10,000 accounts, every tenth holding two tokens, with TPS synthetic
transfers a second between them (default 5); the config watches all of them at the default intervals (accounts
every 10 s, balances re-read at least every 5 min, nodes every 60 s) with `rate_limit = 500` and `batch_size = 100`,
so the first cycle reads all 10,000 balances in well under a minute. `hmon serve` keeps its store in a temporary
directory. Every SAMPLE_SECONDS (default 5) the script reads VmRSS from /proc/<pid>/status and, once a minute, prints
it with the number of account series `/metrics` shows. At the end it prints the peak and final RSS and their ratio to
the 150 MB target, and exits 1 if the peak missed it.

Usage: bench/serve_rss.py [path/to/hmon]; DURATION=60 for a quick try (seconds, default 600), ACCOUNTS, TPS.
"""
import os
import re
import sys
import tempfile
import time

from serve_setup import Serve, hmon_path, start_mirror, stop, write_config

DURATION = float(os.environ.get("DURATION", "600"))
ACCOUNTS = int(os.environ.get("ACCOUNTS", "10000"))
TPS = float(os.environ.get("TPS", "5"))
SAMPLE_SECONDS = float(os.environ.get("SAMPLE_SECONDS", "5"))
TARGET_MB = 150.0
MB = 1e6


def rss_bytes(pid):
    """VmRSS of `pid`, in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def account_series(serve):
    """How many `hmon_account_balance_hbar` series `/metrics` has, or None when it does not answer 200."""
    status, body = serve.get("/metrics")
    if status != 200:
        return None
    return len(re.findall(rb"^hmon_account_balance_hbar\{", body, re.MULTILINE))


def main():
    hmon = hmon_path()
    print(f"hmon serve watching {ACCOUNTS} accounts ({ACCOUNTS // 10} holding 2 tokens), {TPS:g} transfers/s, "
          f"for {DURATION:.0f} s; RSS every {SAMPLE_SECONDS:g} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="hmon-serve-rss-") as tmp:
        mirror, mirror_url = start_mirror(ACCOUNTS, TPS)
        serve = None
        try:
            config = os.path.join(tmp, "hmon.toml")
            write_config(config, mirror_url, ACCOUNTS, rate_limit=500)
            started = time.monotonic()
            serve = Serve(hmon, config, tmp)
            pid = serve.process.pid
            samples = []
            ready_after = None
            next_report = 0.0
            while (elapsed := time.monotonic() - started) < DURATION:
                if serve.process.poll() is not None:
                    sys.exit(f"hmon serve exited with {serve.process.returncode}: {serve.stderr()}")
                rss = rss_bytes(pid)
                samples.append((elapsed, rss))
                if ready_after is None and serve.get("/-/ready", timeout=5)[0] == 200:
                    ready_after = elapsed
                    print(f"  ready after {elapsed:.0f} s (every collector finished its first cycle)", flush=True)
                if elapsed >= next_report:
                    series = account_series(serve)
                    print(f"  {elapsed:5.0f} s  RSS {rss / MB:7.1f} MB  account balance series: {series}", flush=True)
                    next_report += 60.0
                time.sleep(SAMPLE_SECONDS)
            series = account_series(serve)
            final = rss_bytes(pid)
            samples.append((time.monotonic() - started, final))
        finally:
            if serve is not None:
                serve.stop()
            stop(mirror)
    peak_at, peak = max(samples, key=lambda s: s[1])
    print(f"\naccount balance series at the end: {series} of {ACCOUNTS}")
    print(f"RSS peak  {peak / MB:7.1f} MB (at {peak_at:.0f} s)   ratio to the {TARGET_MB:.0f} MB target: "
          f"{peak / MB / TARGET_MB:.2f} (<= 1)")
    print(f"RSS final {final / MB:7.1f} MB (at {samples[-1][0]:.0f} s)   ratio to the target: "
          f"{final / MB / TARGET_MB:.2f}")
    if series != ACCOUNTS:
        print(f"warning: /metrics showed {series} balance series, not {ACCOUNTS}: not every account was collected")
    if peak / MB > TARGET_MB:
        print("missed: peak RSS above the target")
        sys.exit(1)


if __name__ == "__main__":
    main()
