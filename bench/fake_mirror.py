#!/usr/bin/env python3
"""A minimal fake Mirror Node for benchmarks, on 127.0.0.1; prints its port on the first line of stdout.

It serves two accounts, with their token relationships (`/api/v1/accounts/{id}/tokens`), the way the real API does:
0.0.1001 holds no tokens, 0.0.1002 holds two. Each request is served on its own thread (so concurrent requests
overlap, as on a real mirror) and answered after a fixed delay: `--delay-ms N` or the environment variable DELAY_MS
(default 0), which stands for the round trip of a real link.

For `hmon watch` and `hmon serve` it also serves what their collectors ask for (bench/fake_network.py): `--accounts N`
more accounts, 0.0.200000 to 0.0.(200000 + N - 1), every tenth holding the same two tokens as 0.0.1002, one by one
(`/api/v1/accounts/{id}`, `/tokens`) and in bulk (the `/api/v1/accounts` list, by id list or range);
`/api/v1/transactions`, network-wide or by `account.id`, fed with `--tps` transactions a second among those accounts
(transfers with fees, token transfers, failures, staking rewards, scheduled children, HCS messages), published a
block every `--block-ms`, which move their balances; `/api/v1/blocks` (the published blocks); and
`/api/v1/network/nodes` with `--nodes` nodes whose gRPC endpoint is a closed port on 127.0.0.1 (their probes fail at
once).

For benchmarks: `GET /bench/stats` gives the requests served per kind of path (`/bench/` ones not counted), the
transactions made and the newest consensus time; `GET /bench/changes?since=K` gives the hbar balance changes of the
generated accounts from the K-th on, each as [time it became visible (ns since the epoch), account number, tinybars
after, consensus time (ns)], and `next`, the K to ask for next.

Usage: bench/fake_mirror.py [--delay-ms N] [--accounts N] [--tps X] [--block-ms N] [--nodes N] [--seed N]
"""
import argparse
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from fake_network import FIRST_GENERATED, Network, grouped  # noqa: F401  (FIRST_GENERATED: serve_setup.py)

KEY = {"_type": "ED25519", "key": "7c2ab2a3a1bb2a33a1b3c1d1e0a4f3a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7"}
# (account, tinybars, [(token_id, balance, decimals)])
ACCOUNTS = [
    ("0.0.1001", 1234567800, []),
    ("0.0.1002", 500000000, [("0.0.5000", 15000, 2), ("0.0.5001", 7, 0)]),
]


def account_item(account, tinybars, tokens):
    """The account as an item of the `/api/v1/accounts` list (`AccountInfo`)."""
    num = int(account.rsplit(".", 1)[1])
    return {
        "account": account, "alias": None, "auto_renew_period": 7776000,
        "balance": {"balance": tinybars, "timestamp": "1700000000.123456789",
                    "tokens": [{"token_id": t, "balance": b} for t, b, _ in tokens]},
        "created_timestamp": "1600000000.000000001", "decline_reward": False, "delegation_address": "0x",
        "deleted": False, "ethereum_nonce": 0, "evm_address": f"0x{num:040x}", "expiry_timestamp": None, "key": KEY,
        "max_automatic_token_associations": 0, "memo": "", "pending_reward": 0, "receiver_sig_required": False,
        "staked_account_id": None, "staked_node_id": None, "stake_period_start": None,
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
STATIC_ITEMS = {}
for _account, _tinybars, _tokens in ACCOUNTS:
    _item = account_item(_account, _tinybars, _tokens)
    STATIC_ITEMS[int(_account.rsplit(".", 1)[1])] = _item
    ROUTES[f"/api/v1/accounts/{_account}"] = json.dumps(dict(_item, transactions=[], links={"next": None})).encode()
    ROUTES[f"/api/v1/accounts/{_account}/tokens"] = json.dumps(tokens_body(_tokens)).encode()
NOT_FOUND = b'{"_status":{"messages":[{"message":"Not found"}]}}'


def network_nodes(count):
    nodes = [
        {
            "description": f"node {i}", "file_id": "0.0.102", "max_stake": 4_500_000_000_000_000,
            "memo": f"0.0.{i + 3}", "min_stake": 1_000_000_000_000_000, "node_account_id": f"0.0.{i + 3}",
            "node_id": i, "public_key": "0x", "stake": 100_000_000_000_000 + i, "stake_rewarded": 0,
            # Port 1 on loopback: nothing listens there, so a probe is refused at once.
            "service_endpoints": [{"domain_name": "", "ip_address_v4": "127.0.0.1", "port": 1}],
            "timestamp": {"from": "1700000000.000000000", "to": None},
        }
        for i in range(count)
    ]
    return json.dumps({"nodes": nodes, "links": {"next": None}}).encode()


def kind_of(path, query):
    """What a request is counted as in `/bench/stats`."""
    if path.startswith("/api/v1/accounts/"):
        return "/api/v1/accounts/{id}/tokens" if path.endswith("/tokens") else "/api/v1/accounts/{id}"
    if path == "/api/v1/transactions":
        return "/api/v1/transactions?account.id" if "account.id=" in query else "/api/v1/transactions"
    return path if path.startswith("/api/v1/") else "other"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the body of a second answer on a kept-alive
    # connection would wait for the client's delayed ACK (40 ms on Linux), a stall no real mirror has.
    disable_nagle_algorithm = True
    delay = 0.0
    nodes = 4
    network = Network(0, 0)

    def do_GET(self):
        url = urlsplit(self.path)
        path, raw = url.path, url.query
        if not path.startswith("/bench/"):
            self.network.record_request(kind_of(path, raw))
            if self.delay:
                time.sleep(self.delay)
        try:
            status, body = self.answer(path, raw)
        except ValueError:
            status, body = 400, b'{"_status":{"messages":[{"message":"Invalid parameter"}]}}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def answer(self, path, raw):
        """(status, body) of a request."""
        net = self.network
        if path in ROUTES:
            return 200, ROUTES[path]
        query = grouped(parse_qsl(raw, keep_blank_values=True))
        body = None
        if path == "/api/v1/accounts":
            return net.accounts(query, STATIC_ITEMS)
        if path == "/api/v1/transactions":
            body = net.transactions(query)
        elif path == "/api/v1/blocks":
            limit = min(int(dict(parse_qsl(raw)).get("limit", "25")), 100)
            body = json.dumps({"blocks": net.recent_blocks(limit), "links": {"next": None}}).encode()
        elif path == "/api/v1/network/nodes":
            body = network_nodes(self.nodes)
        elif path.startswith("/api/v1/accounts/"):
            rest = path[len("/api/v1/accounts/"):]
            body = net.account_tokens(rest[: -len("/tokens")]) if rest.endswith("/tokens") else net.account(rest)
        elif path == "/bench/stats":
            body = json.dumps(net.stats()).encode()
        elif path == "/bench/changes":
            body = json.dumps(net.changes_since(int(dict(parse_qsl(raw)).get("since", "0")))).encode()
        return (200, body) if body is not None else (404, NOT_FOUND)

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
                        help="synthetic transactions a second among the generated accounts (default 0)")
    parser.add_argument("--block-ms", type=float, default=2000.0,
                        help="publish the transactions a block every this many milliseconds (default 2000)")
    parser.add_argument("--nodes", type=int, default=4, help="consensus nodes in the address book (default 4)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random stream (default 7)")
    args = parser.parse_args()
    Handler.delay = args.delay_ms / 1000.0
    Handler.nodes = args.nodes
    Handler.network = Network(args.accounts, args.tps, block_ms=args.block_ms, seed=args.seed)
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    Handler.network.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
