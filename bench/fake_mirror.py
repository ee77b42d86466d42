#!/usr/bin/env python3
"""A minimal fake Mirror Node for benchmarks, on 127.0.0.1; prints its port on the first line of stdout.

It serves two accounts, with their token relationships (`/api/v1/accounts/{id}/tokens`), the way the real API does:
0.0.1001 holds no tokens, 0.0.1002 holds two. Each request is served on its own thread (so concurrent requests
overlap, as on a real mirror) and answered after a fixed delay: `--delay-ms N` or the environment variable DELAY_MS
(default 0), which stands for the round trip of a real link.

Usage: bench/fake_mirror.py [--delay-ms N]
"""
import argparse
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = {"_type": "ED25519", "key": "7c2ab2a3a1bb2a33a1b3c1d1e0a4f3a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7"}
# (account, tinybars, [(token_id, balance, decimals)])
ACCOUNTS = [
    ("0.0.1001", 1234567800, []),
    ("0.0.1002", 500000000, [("0.0.5000", 15000, 2), ("0.0.5001", 7, 0)]),
]


def account_body(account, tinybars, tokens):
    num = int(account.rsplit(".", 1)[1])
    return {
        "account": account,
        "alias": None,
        "balance": {
            "balance": tinybars,
            "timestamp": "1700000000.123456789",
            "tokens": [{"token_id": t, "balance": b} for t, b, _ in tokens],
        },
        "created_timestamp": "1600000000.000000001",
        "deleted": False,
        "evm_address": f"0x{num:040x}",
        "key": KEY,
        "memo": "",
        "transactions": [],
        "links": {"next": None},
    }


def tokens_body(tokens):
    rels = [
        {
            "automatic_association": False,
            "balance": b,
            "created_timestamp": "1600000000.000000002",
            "decimals": d,
            "freeze_status": "UNFROZEN",
            "kyc_status": "NOT_APPLICABLE",
            "token_id": t,
        }
        for t, b, d in tokens
    ]
    return {"tokens": rels, "links": {"next": None}}


ROUTES = {}
for _account, _tinybars, _tokens in ACCOUNTS:
    ROUTES[f"/api/v1/accounts/{_account}"] = json.dumps(account_body(_account, _tinybars, _tokens)).encode()
    ROUTES[f"/api/v1/accounts/{_account}/tokens"] = json.dumps(tokens_body(_tokens)).encode()
NOT_FOUND = b'{"_status":{"messages":[{"message":"Not found"}]}}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the body of a second answer on a kept-alive
    # connection would wait for the client's delayed ACK (40 ms on Linux), a stall no real mirror has.
    disable_nagle_algorithm = True
    delay = 0.0

    def do_GET(self):
        if self.delay:
            time.sleep(self.delay)
        body = ROUTES.get(self.path.split("?")[0])
        status = 200 if body is not None else 404
        body = body if body is not None else NOT_FOUND
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client may drop a request whose answer it no longer needs (hmon does, for the tokens of an account that
        # holds none) or close a kept-alive connection: not worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=float(os.environ.get("DELAY_MS", "0")),
                        help="answer each request after this many milliseconds (default: $DELAY_MS or 0)")
    args = parser.parse_args()
    Handler.delay = args.delay_ms / 1000.0
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
