#!/usr/bin/env python3
"""Requests a second of `hmon serve` against nginx serving the same bytes as a static file (target: hmon/nginx >= 0.7).

`hmon serve` watches ACCOUNTS generated accounts (default 2,000, every tenth holding two tokens) on the fake mirror
(bench/fake_mirror.py, 5 transfers a second) with a store in a temporary directory. Once every account's balance is
in `/metrics` and its size is steady (the series that appear from the second cycle on are there), each path in PATHS is fetched from hmon once; its body is written to a directory that nginx serves on
127.0.0.1 (a generated minimal config: `worker_processes` = the machine's cores, no access log, keep-alive without a
request limit, pid and temp paths in the temporary directory, in the foreground). Then `wrk` runs with the same
threads, connections and duration against both, alternately, ROUNDS times each after a warm-up of each; the script
prints both medians and the ratio hmon/nginx per path, and exits 1 if a target is missed.

hmon renders every answer from its model while its pipeline keeps collecting (a cycle every 10 s); nginx sends a file
from the page cache. Everything shares this machine's cores with wrk.

A path that hmon answers 404 (an API not in this build, e.g. `/api/v1/status` before it is merged) is skipped with a
note. With HMON_API_TOKEN set, hmon serve gets it and every request (to nginx too) carries `Authorization: Bearer`.

Usage: bench/serve_http.py [path/to/hmon]; ACCOUNTS, ROUNDS (3), SECONDS (10, per wrk run), CONNECTIONS (16),
THREADS (wrk threads, 1). Needs `wrk` and `nginx` (Debian: `apt-get install nginx-light wrk`).
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from serve_setup import Serve, auth_headers, hmon_path, start_mirror, stop, write_config

ACCOUNTS = int(os.environ.get("ACCOUNTS", "2000"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
SECONDS = int(os.environ.get("SECONDS", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
THREADS = int(os.environ.get("THREADS", "1"))
TARGET = 0.7

# (path, content type nginx sends it with)
PATHS = [
    ("/metrics", "text/plain; version=0.0.4; charset=utf-8"),
    ("/api/v1/status", "application/json"),
]

NGINX_CONF = """\
worker_processes {workers};
daemon off;
master_process on;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ }}
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
{locations}
    }}
}}
"""


def require(tool):
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if os.path.exists(f"/usr/sbin/{tool}") else None)
    if path is None:
        sys.exit(f"{tool} not found: install it (Debian: apt-get install -y nginx-light wrk)")
    return path


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(nginx, tmp, bodies):
    """nginx on 127.0.0.1 serving each (path, content type, body) as a static file; returns it and its base URL."""
    www = os.path.join(tmp, "www")
    locations = []
    for path, content_type, body in bodies:
        file = os.path.join(www, path.lstrip("/"))
        os.makedirs(os.path.dirname(file), exist_ok=True)
        with open(file, "wb") as f:
            f.write(body)
        locations.append(f'        location = {path} {{ default_type "{content_type}"; }}')
    # Workers that switch to another user could not read a private temporary directory.
    user = "user root;" if os.geteuid() == 0 else ""
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(workers=os.cpu_count() or 1, user=user, tmp=tmp, port=port,
                                  locations="\n".join(locations)))
    process = subprocess.Popen([nginx, "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"nginx exited with {process.returncode}: {process.stderr.read().decode(errors='replace')}")
        try:
            import urllib.request

            with urllib.request.urlopen(url + bodies[0][0], timeout=2) as r:
                if r.read() == bodies[0][2]:
                    return process, url
        except OSError:
            time.sleep(0.1)
    sys.exit("nginx did not serve the file within 10 s")


def wrk(url, seconds):
    """Requests a second of `wrk` on `url`; fails if any answer was not 2xx or 3xx, or a socket error happened."""
    cmd = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s"]
    for name, value in auth_headers().items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"wrk {url}: not every request succeeded:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        sys.exit(f"wrk {url}: no Requests/sec in its output:\n{out}")
    return float(match.group(1))


def wait_for_accounts(serve, timeout=120):
    """Waits until `/metrics` has a balance series for every watched account."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = serve.get("/metrics")
        if status == 200 and len(re.findall(rb"^hmon_account_balance_hbar\{", body, re.MULTILINE)) >= ACCOUNTS:
            return
        time.sleep(1)
    sys.exit(f"/metrics did not show {ACCOUNTS} account balances within {timeout} s")


def wait_for_steady_body(serve, timeout=120):
    """Waits until `/metrics` keeps its size (within 1 %) over 15 s, a cycle and a half: the series that appear only
    from the second cycle on (`account_transactions`) are there, so nginx serves as many bytes as hmon does."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        size = len(serve.get("/metrics")[1])
        if previous is not None and abs(size - previous) <= previous / 100:
            return
        previous = size
        time.sleep(15)
    sys.exit(f"/metrics did not settle to a steady size within {timeout} s")


def bodies_to_serve(serve):
    """(path, content type, body) for each path hmon answers; notes and skips the 404s."""
    found = []
    for path, content_type in PATHS:
        status, body = serve.get(path)
        if status == 404:
            print(f"{path}: skipped, this hmon answers 404 (not in this build yet)")
        elif status == 401:
            sys.exit(f"{path}: 401: hmon serve wants a token; set HMON_API_TOKEN for both")
        elif status != 200:
            sys.exit(f"{path}: hmon answered {status}: {body[:200]!r}")
        else:
            found.append((path, content_type, body))
    return found


def main():
    hmon = hmon_path()
    nginx = require("nginx")
    require("wrk")
    missed = []
    with tempfile.TemporaryDirectory(prefix="hmon-serve-http-") as tmp:
        os.chmod(tmp, 0o755)
        mirror, mirror_url = start_mirror(ACCOUNTS, 5)
        serve = nginx_process = None
        try:
            config = os.path.join(tmp, "hmon.toml")
            write_config(config, mirror_url, ACCOUNTS, rate_limit=500)
            serve = Serve(hmon, config, tmp)
            serve.wait_ready(120)
            wait_for_accounts(serve)
            wait_for_steady_body(serve)
            bodies = bodies_to_serve(serve)
            if not bodies:
                sys.exit("no path to measure")
            nginx_process, nginx_url = start_nginx(nginx, tmp, bodies)
            print(f"hmon serve watching {ACCOUNTS} accounts; nginx with {os.cpu_count()} workers; wrk {THREADS} "
                  f"thread(s), {CONNECTIONS} connections, {SECONDS} s a run, {ROUNDS} rounds each, alternating")
            for path, _, body in bodies:
                targets = {"hmon": serve.url + path, "nginx": nginx_url + path}
                for url in targets.values():
                    wrk(url, 2)
                rates = {"hmon": [], "nginx": []}
                for _ in range(ROUNDS):
                    for name, url in targets.items():
                        rates[name].append(wrk(url, SECONDS))
                hmon_rate, nginx_rate = statistics.median(rates["hmon"]), statistics.median(rates["nginx"])
                ratio = hmon_rate / nginx_rate
                size_now = len(serve.get(path)[1])
                print(f"\nGET {path} ({len(body):,} bytes served by nginx; hmon's answer is {size_now:,} bytes now)")
                print(f"  hmon serve  median {hmon_rate:10.0f} req/s  (runs {', '.join(f'{r:.0f}' for r in rates['hmon'])})")
                print(f"  nginx       median {nginx_rate:10.0f} req/s  (runs {', '.join(f'{r:.0f}' for r in rates['nginx'])})")
                print(f"  ratio hmon/nginx: {ratio:.2f}  (target >= {TARGET})")
                if ratio < TARGET:
                    missed.append(f"{path}: {ratio:.2f} < {TARGET}")
        finally:
            if nginx_process is not None:
                stop(nginx_process)
            if serve is not None:
                serve.stop()
            stop(mirror)
    if missed:
        print("\nmissed: " + "; ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
