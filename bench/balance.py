#!/usr/bin/env python3
"""Times `hmon balance <id> --json` against `curl -s` of the same URL on the same local fake mirror.

Both are run as fresh processes the same way, alternately, RUNS times each after a warm-up; the script prints
each median and the ratio hmon/curl (target: 1.5 or less). Usage: bench/balance.py [path/to/hmon]
"""
import json
import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("RUNS", "30"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, env):
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - start, out.stdout


def main():
    hmon = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "hmon")
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "fake_mirror.py")], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HMON_", "OPERATOR_"))}
        env["HMON_CONFIG"] = os.path.join(ROOT, "bench", "empty-config.toml")
        hmon_cmd = [hmon, "--mirror-url", base, "balance", "0.0.1001", "--json"]
        curl_cmd = ["curl", "-s", f"{base}/api/v1/accounts/0.0.1001?transactions=false"]

        # Both must really work before they are timed.
        _, out = timed(hmon_cmd, env)
        assert json.loads(out)[0]["hbar"] == "12.34567800", out
        _, out = timed(curl_cmd, env)
        assert json.loads(out)["account"] == "0.0.1001", out

        for _ in range(3):
            timed(hmon_cmd, env)
            timed(curl_cmd, env)
        hmon_times, curl_times = [], []
        for _ in range(RUNS):
            hmon_times.append(timed(hmon_cmd, env)[0])
            curl_times.append(timed(curl_cmd, env)[0])
        h, c = statistics.median(hmon_times), statistics.median(curl_times)
        print(f"runs each:          {RUNS}")
        print(f"hmon balance --json median {h * 1000:7.2f} ms  (min {min(hmon_times) * 1000:.2f})")
        print(f"curl -s            median {c * 1000:7.2f} ms  (min {min(curl_times) * 1000:.2f})")
        print(f"ratio hmon/curl:   {h / c:.2f}  (target <= 1.5)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
