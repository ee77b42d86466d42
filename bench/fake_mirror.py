#!/usr/bin/env python3
"""A minimal fake Mirror Node for benchmarks: serves one account body on 127.0.0.1 and prints its port."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = {
    "account": "0.0.1001",
    "alias": None,
    "balance": {"balance": 1234567800, "timestamp": "1700000000.123456789", "tokens": []},
    "created_timestamp": "1600000000.000000001",
    "deleted": False,
    "evm_address": "0x00000000000000000000000000000000000003e9",
    "key": {"_type": "ED25519", "key": "7c2ab2a3a1bb2a33a1b3c1d1e0a4f3a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7"},
    "memo": "",
    "transactions": [],
    "links": {"next": None},
}
BODY = json.dumps(ACCOUNT).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.split("?")[0] == "/api/v1/accounts/0.0.1001":
            status, body = 200, BODY
        else:
            status, body = 404, b'{"_status":{"messages":[{"message":"Not found"}]}}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
