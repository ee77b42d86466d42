#!/usr/bin/env python3
"""Times `hmon balance <id> --json` against `curl -s` of the account's URL on the same local fake mirror.

Both are run as fresh processes the same way, alternately, RUNS times each after a warm-up; for each case the script
prints both medians and the ratio hmon/curl. curl fetches the account only: that is what a user would compare with,
and all hmon has to add is its own start-up and, for an account that holds tokens, the token relationships (with
their decimals), which it asks for at the same time as the account.

Cases (the fake mirror, bench/fake_mirror.py, answers each request after DELAY ms):

  delay  account                   config                     target
  0 ms   0.0.1001, no tokens       defaults                   hmon/curl <= 1.5   (start-up cost)
  0 ms   0.0.1002, holds tokens    defaults                   (for comparison)
  40 ms  0.0.1002, holds tokens    defaults                   hmon/curl <= 1.25  (round trips over a real link)
  40 ms  0.0.1002, holds tokens    concurrency = 1            (for comparison: one request after the other)

Usage: bench/balance.py [path/to/hmon]; RUNS=100 for more runs, DELAY_MS=80 for another link delay than 40 ms.
Exits 1 when a target is missed.
"""
import json
import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("RUNS", "30"))
DELAY_MS = float(os.environ.get("DELAY_MS", "40"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEFAULTS = os.path.join(ROOT, "bench", "empty-config.toml")
SEQUENTIAL = os.path.join(ROOT, "bench", "sequential-config.toml")

# (delay in ms, account, expected hbar, expected token count, config, target ratio or None)
CASES = [
    (0, "0.0.1001", "12.34567800", 0, DEFAULTS, 1.5),
    (0, "0.0.1002", "5.00000000", 2, DEFAULTS, None),
    (DELAY_MS, "0.0.1002", "5.00000000", 2, DEFAULTS, 1.25),
    (DELAY_MS, "0.0.1002", "5.00000000", 2, SEQUENTIAL, None),
]


def timed(cmd, env):
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - start, out.stdout


def measure(hmon, env, delay_ms, account, hbar, tokens):
    fake = [sys.executable, os.path.join(ROOT, "bench", "fake_mirror.py"), "--delay-ms", str(delay_ms)]
    server = subprocess.Popen(fake, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        hmon_cmd = [hmon, "--mirror-url", base, "balance", account, "--json"]
        curl_cmd = ["curl", "-s", f"{base}/api/v1/accounts/{account}?transactions=false"]

        # Both must really work before they are timed.
        _, out = timed(hmon_cmd, env)
        got = json.loads(out)[0]
        assert (got["hbar"], len(got["tokens"])) == (hbar, tokens), out
        _, out = timed(curl_cmd, env)
        assert json.loads(out)["account"] == account, out

        for _ in range(3):
            timed(hmon_cmd, env)
            timed(curl_cmd, env)
        hmon_times, curl_times = [], []
        for _ in range(RUNS):
            hmon_times.append(timed(hmon_cmd, env)[0])
            curl_times.append(timed(curl_cmd, env)[0])
        return hmon_times, curl_times
    finally:
        server.terminate()
        server.wait()


def main():
    hmon = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "hmon")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMON_", "OPERATOR_"))}
    print(f"runs each: {RUNS}")
    missed = []
    for delay_ms, account, hbar, tokens, config, target in CASES:
        env["HMON_CONFIG"] = config
        hmon_times, curl_times = measure(hmon, env, delay_ms, account, hbar, tokens)
        h, c = statistics.median(hmon_times), statistics.median(curl_times)
        holds = f"holds {tokens} tokens" if tokens else "no tokens"
        how = ", concurrency = 1" if config == SEQUENTIAL else ""
        print(f"\ndelay {delay_ms:g} ms, {account} ({holds}){how}")
        print(f"  hmon balance --json median {h * 1000:7.2f} ms  (min {min(hmon_times) * 1000:.2f})")
        print(f"  curl -s            median {c * 1000:7.2f} ms  (min {min(curl_times) * 1000:.2f})")
        verdict = "" if target is None else f"  (target <= {target})"
        print(f"  ratio hmon/curl:   {h / c:.2f}{verdict}")
        if target is not None and h / c > target:
            missed.append(f"delay {delay_ms:g} ms, {account}{how}: {h / c:.2f} > {target}")
    if missed:
        print("\nmissed: " + "; ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
