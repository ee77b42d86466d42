"""What the `hmon serve` benchmarks share: a fake mirror with generated accounts, a config watching all of them, and
`hmon serve` started on 127.0.0.1 with a store in a temporary directory, ready to answer.

Not a benchmark itself: `serve_http.py` and `serve_rss.py` import it.
"""
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from fake_mirror import FIRST_GENERATED  # noqa: E402  (the path is set just above)


def hmon_path():
    """`path/to/hmon` from the first argument, else the release build."""
    return sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "hmon")


def clean_env():
    """The environment without HMON_* and OPERATOR_* settings, except HMON_API_TOKEN (an authenticated server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMON_", "OPERATOR_"))}
    if os.environ.get("HMON_API_TOKEN"):
        env["HMON_API_TOKEN"] = os.environ["HMON_API_TOKEN"]
    return env


def auth_headers():
    """`Authorization: Bearer $HMON_API_TOKEN` when the token is set, else nothing."""
    token = os.environ.get("HMON_API_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def start_mirror(accounts, tps, *extra):
    """Starts bench/fake_mirror.py with `accounts` generated accounts, `tps` transactions a second and any `extra`
    arguments; returns the process and its base URL."""
    cmd = [sys.executable, os.path.join(ROOT, "bench", "fake_mirror.py"), "--accounts", str(accounts),
           "--tps", str(tps), *extra]
    mirror = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    port = int(mirror.stdout.readline())
    return mirror, f"http://127.0.0.1:{port}"


def write_config(path, mirror_url, accounts, rate_limit, batch_size=100):
    """A config on a network of its own (the fake mirror, no consensus node addresses), watching every generated
    account with a label, polling at the default intervals, as politely as `rate_limit` requests a second;
    `batch_size=None` leaves hmon's default batch size."""
    lines = [
        'network = "bench"',
        "[networks.bench]",
        f'mirror_url = "{mirror_url}"',
        "[collect]",
        f"rate_limit = {rate_limit}",
    ]
    if batch_size is not None:
        lines.append(f"batch_size = {batch_size}")
    for i in range(accounts):
        lines += ["[[accounts]]", f'id = "0.0.{FIRST_GENERATED + i}"', f'label = "bench account {i}"']
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class Serve:
    """`hmon serve` on 127.0.0.1 (a port of its own), its store and its stderr in `tmp`."""

    def __init__(self, hmon, config, tmp):
        self.stderr_path = os.path.join(tmp, "hmon-serve.stderr")
        cmd = [hmon, "--config", config, "serve", "--listen", "127.0.0.1:0", "--store", os.path.join(tmp, "hmon.db")]
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(cmd, env=clean_env(), stdout=subprocess.DEVNULL, stderr=stderr)
        self.url = self._bound_url()

    def _bound_url(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"hmon serve exited with {self.process.returncode}: {self.stderr()}")
            for line in self.stderr().splitlines():
                if "listening on " in line:
                    return line.split("listening on ", 1)[1].split()[0]
            time.sleep(0.05)
        sys.exit(f"hmon serve did not say where it listens within {timeout:.0f} s: {self.stderr()}")

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def get(self, path, timeout=30.0):
        """(status, body) of GET `path`, with the token when set."""
        request = urllib.request.Request(self.url + path, headers=auth_headers())
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def wait_ready(self, timeout):
        """Waits until `/-/ready` answers 200 (every collector finished its first cycle)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"hmon serve exited with {self.process.returncode}: {self.stderr()}")
            try:
                if self.get("/-/ready", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        sys.exit(f"hmon serve was not ready within {timeout:.0f} s: {self.stderr()}")

    def stop(self):
        """SIGTERM, then a clean exit within 15 s (else SIGKILL)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def stop(process):
    """Ends a helper process this script started."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
