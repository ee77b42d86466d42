#!/usr/bin/env python3
"""A minimal fake Mirror Node for benchmarks, on 127.0.0.1; prints its port on the first line of stdout.

It serves two accounts, with their token relationships (`/api/v1/accounts/{id}/tokens`), the way the real API does:
0.0.1001 holds no tokens, 0.0.1002 holds two. Each request is served on its own thread (so concurrent requests
overlap, as on a real mirror) and answered after a fixed delay: `--delay-ms N` or the environment variable DELAY_MS
(default 0), which stands for the round trip of a real link.

For `hmon watch` and `hmon serve` it also serves what their collectors ask for: `--accounts N` more accounts,
0.0.200000 to 0.0.(200000 + N - 1), every tenth holding the same two tokens as 0.0.1002; `/api/v1/transactions`
(with `account.id`, `limit`, `order` and `timestamp` filters, paged by `links.next`), fed with `--tps` synthetic
transfers a second between those accounts, which move their balances; `/api/v1/blocks`; and
`/api/v1/network/nodes` with `--nodes` nodes whose gRPC endpoint is a closed port on 127.0.0.1 (their probes fail
at once).

Usage: bench/fake_mirror.py [--delay-ms N] [--accounts N] [--tps X] [--nodes N]
"""
import argparse
import bisect
import json
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

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

# The generated accounts (--accounts): 0.0.FIRST_GENERATED onwards; every TOKEN_HOLDER_EVERY-th holds TOKENS.
FIRST_GENERATED = 200000
TOKEN_HOLDER_EVERY = 10
TOKENS = ACCOUNTS[1][2]
FEE = 100000


def ns_to_ts(ns):
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"


def ts_to_ns(text):
    secs, _, frac = text.partition(".")
    return int(secs) * 1_000_000_000 + int((frac + "000000000")[:9])


class Ledger:
    """The generated accounts and the synthetic transfers between them, made up lazily up to the present: each
    request first adds the transfers due since the previous one (`tps` a second), so the feed needs no thread."""

    def __init__(self, accounts, tps, nodes):
        self.count = accounts
        self.tps = tps
        self.nodes = nodes
        self.lock = threading.Lock()
        self.random = random.Random(7)
        self.balances = {}
        self.times = []  # consensus timestamps (ns), ascending
        self.txs = []  # (payer, receiver, body) beside `times`
        self.made_until = time.time_ns()

    def generated(self, account):
        try:
            shard, realm, num = (int(p) for p in account.split("."))
        except ValueError:
            return None
        if shard or realm or not FIRST_GENERATED <= num < FIRST_GENERATED + self.count:
            return None
        return num

    def tokens_of(self, num):
        return TOKENS if (num - FIRST_GENERATED) % TOKEN_HOLDER_EVERY == 0 else []

    def catch_up(self):
        """Adds the transfers due by now (at most 10,000 at once) and forgets those older than an hour."""
        if not self.tps or self.count < 2:
            return
        now = time.time_ns()
        step = int(1e9 / self.tps)
        due = min((now - self.made_until) // step, 10_000)
        for _ in range(due):
            self.made_until += step
            payer, receiver = self.random.sample(range(FIRST_GENERATED, FIRST_GENERATED + self.count), 2)
            payer, receiver = f"0.0.{payer}", f"0.0.{receiver}"
            amount = self.random.randint(1, 10_000) * 1000
            self.balances[payer] = self.balances.get(payer, 0) - amount - FEE
            self.balances[receiver] = self.balances.get(receiver, 0) + amount
            at = self.made_until
            body = {
                "charged_tx_fee": FEE, "consensus_timestamp": ns_to_ts(at), "entity_id": None,
                "max_fee": "200000000", "memo_base64": "", "name": "CRYPTOTRANSFER", "nonce": 0, "node": "0.0.3",
                "parent_consensus_timestamp": None, "result": "SUCCESS", "scheduled": False, "token_transfers": [],
                "transaction_hash": "rovr8cn6DzCTVuSAV/YEevfN5jA30FCdFt3Dsg4IUVi/3xTRU0XBsYsZm3L+1Kxv",
                "transaction_id": f"{payer}-{at // 1_000_000_000 - 5}-000000000",
                "transfers": [
                    {"account": "0.0.3", "amount": FEE // 10, "is_approval": False},
                    {"account": "0.0.98", "amount": FEE - FEE // 10, "is_approval": False},
                    {"account": payer, "amount": -(amount + FEE), "is_approval": False},
                    {"account": receiver, "amount": amount, "is_approval": False},
                ],
                "valid_start_timestamp": ns_to_ts(at - 5_000_000_000),
            }
            self.times.append(at)
            self.txs.append((payer, receiver, body))
        old = bisect.bisect_left(self.times, now - 3600 * 1_000_000_000)
        if old > 10_000:
            del self.times[:old]
            del self.txs[:old]

    def account(self, account):
        num = self.generated(account)
        if num is None:
            return None
        with self.lock:
            self.catch_up()
            tinybars = 100_000_000_000 + num + self.balances.get(account, 0)
        return json.dumps(account_body(account, tinybars, self.tokens_of(num))).encode()

    def tokens(self, account):
        num = self.generated(account)
        return None if num is None else json.dumps(tokens_body(self.tokens_of(num))).encode()

    def transactions(self, query):
        params = parse_qsl(query)
        wanted = {v for k, v in params if k == "account.id"}
        limit = min(int(dict(params).get("limit", "25")), 100)
        ascending = dict(params).get("order") == "asc"
        low, high = 0, 1 << 80
        for k, v in params:
            if k != "timestamp":
                continue
            op, _, at = v.rpartition(":")
            at = ts_to_ns(at)
            if op == "gt":
                low = max(low, at + 1)
            elif op == "gte":
                low = max(low, at)
            elif op == "lt":
                high = min(high, at - 1)
            elif op == "lte":
                high = min(high, at)
            else:
                low, high = max(low, at), min(high, at)
        page = []
        with self.lock:
            self.catch_up()
            start, end = bisect.bisect_left(self.times, low), bisect.bisect_right(self.times, high)
            indices = range(start, end) if ascending else range(end - 1, start - 1, -1)
            for i in indices:
                payer, receiver, body = self.txs[i]
                if not wanted or payer in wanted or receiver in wanted:
                    page.append(body)
                    if len(page) == limit:
                        break
        links = {"next": None}
        if len(page) == limit:
            rest = [(k, v) for k, v in params if k != "timestamp" or v.startswith(("gte:", "lte:"))]
            op = "gt" if ascending else "lt"
            links["next"] = f"/api/v1/transactions?{urlencode(rest)}&timestamp={op}:{page[-1]['consensus_timestamp']}"
        return json.dumps({"transactions": page, "links": links}).encode()

    def blocks(self, query):
        limit = min(int(dict(parse_qsl(query)).get("limit", "25")), 100)
        now = time.time_ns() // 2_000_000_000 * 2_000_000_000
        per_block = max(int(self.tps * 2), 1)
        blocks = [
            {
                "count": per_block, "gas_used": 0, "hapi_version": "0.60.0", "hash": "0x00", "logs_bloom": "0x",
                "name": f"block{i}.rcd", "number": now // 2_000_000_000 - i, "previous_hash": "0x00", "size": 100,
                "timestamp": {"from": ns_to_ts(now - (i + 1) * 2_000_000_000), "to": ns_to_ts(now - i * 2_000_000_000)},
            }
            for i in range(limit)
        ]
        return json.dumps({"blocks": blocks, "links": {"next": None}}).encode()

    def network_nodes(self):
        nodes = [
            {
                "description": f"node {i}", "file_id": "0.0.102", "max_stake": 4_500_000_000_000_000,
                "memo": f"0.0.{i + 3}", "min_stake": 1_000_000_000_000_000, "node_account_id": f"0.0.{i + 3}",
                "node_id": i, "public_key": "0x", "stake": 100_000_000_000_000 + i, "stake_rewarded": 0,
                # Port 1 on loopback: nothing listens there, so a probe is refused at once.
                "service_endpoints": [{"domain_name": "", "ip_address_v4": "127.0.0.1", "port": 1}],
                "timestamp": {"from": "1700000000.000000000", "to": None},
            }
            for i in range(self.nodes)
        ]
        return json.dumps({"nodes": nodes, "links": {"next": None}}).encode()

    def answer(self, path, query):
        """The body for a path outside ROUTES, or None (404)."""
        if path == "/api/v1/transactions":
            return self.transactions(query)
        if path == "/api/v1/blocks":
            return self.blocks(query)
        if path == "/api/v1/network/nodes":
            return self.network_nodes()
        if path.startswith("/api/v1/accounts/"):
            rest = path[len("/api/v1/accounts/"):]
            if rest.endswith("/tokens"):
                return self.tokens(rest[: -len("/tokens")])
            return self.account(rest)
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the body of a second answer on a kept-alive
    # connection would wait for the client's delayed ACK (40 ms on Linux), a stall no real mirror has.
    disable_nagle_algorithm = True
    delay = 0.0
    ledger = Ledger(0, 0, 0)

    def do_GET(self):
        if self.delay:
            time.sleep(self.delay)
        path, _, query = self.path.partition("?")
        body = ROUTES.get(path)
        if body is None:
            body = self.ledger.answer(path, query)
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
    parser.add_argument("--accounts", type=int, default=0,
                        help=f"serve this many more accounts, from 0.0.{FIRST_GENERATED} (default 0)")
    parser.add_argument("--tps", type=float, default=0.0,
                        help="synthetic transfers a second between the generated accounts (default 0)")
    parser.add_argument("--nodes", type=int, default=4, help="consensus nodes in the address book (default 4)")
    args = parser.parse_args()
    Handler.delay = args.delay_ms / 1000.0
    Handler.ledger = Ledger(args.accounts, args.tps, args.nodes)
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
