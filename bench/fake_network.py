"""The synthetic network behind bench/fake_mirror.py: generated accounts, a stream of real-shaped transactions that
move their balances, and what the Mirror Node's REST API serves of them.

Not run on its own: fake_mirror.py serves it. Shapes and paging follow the Mirror Node (`rest/accounts.js`,
`rest/transactions.js`, `rest/utils.js getPaginationLink`), as the Rust fake (tests/hmon/fake_mirror/) does:

- `/api/v1/accounts` list: `account.id` as a list of ids (plain or `eq:`, at most 100) or `gt|gte|lt|lte` ranges,
  `limit` (default 25, capped at 100), `order` (default asc), `balance=true|false`; items are `AccountInfo`, with
  `balance.timestamp` the consensus time of the account's last hbar change; a full page's `links.next` moves an
  `account.id` cursor, except for an id list, whose next link is the same query again (the API's quirk).
- `/api/v1/transactions`: network-wide or by `account.id`, `timestamp` filters, `order` (default desc), `limit`
  (capped at 100); a full page's `links.next` moves the `timestamp` cursor, a short one has none.

Transactions are made by a thread, one block every `block_ms` (a record file on a real network): each block's
transactions get consensus times spread over the block and all become visible at once, in consensus order, when the
block is published. Each change of a generated account's hbar balance is recorded with the time it became visible
(`changes_since`), so a benchmark can tell how long a client took to show it.
"""
import bisect
import json
import random
import threading
import time
from collections import Counter, deque

from fake_transactions import FIRST_GENERATED, TOKEN_HOLDER_EVERY, TOKENS, make, ns_to_ts

KEY = {"_type": "ED25519", "key": "7c2ab2a3a1bb2a33a1b3c1d1e0a4f3a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7"}
MAX_REPEATED = 100
ACCEPTED = {"account.balance", "account.id", "account.publickey", "balance", "limit", "order"}


def ts_to_ns(text):
    secs, _, frac = text.partition(".")
    return int(secs) * 1_000_000_000 + int((frac + "000000000")[:9])


def entity_num(text):
    """`0.0.N`, `0.N` or `N` as N (shard and realm 0), else None."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or any(int(p) for p in parts[:-1]):
        return None
    return int(parts[-1])


def grouped(pairs):
    """`[(key, [values])]`, each key once where it first appears: the query object Express makes."""
    out = []
    for k, v in pairs:
        for entry in out:
            if entry[0] == k:
                entry[1].append(v)
                break
        else:
            out.append((k, [v]))
    return out


def last(query, key, default=None):
    for k, values in query:
        if k == key:
            return values[-1]
    return default


def all_values(query, key):
    for k, values in query:
        if k == key:
            return values
    return []


def operator(value):
    op, sep, operand = value.partition(":")
    return (op, operand) if sep else ("eq", value)


def next_link(path, query, field, last_value, ascending, number):
    """`links.next` of a full page, as `getNextParamQueries`/`updateReqQuery`/`isEmptyRange` build it."""
    passed = (lambda v: "gt:" in v or "gte:" in v) if ascending else (lambda v: "lt:" in v or "lte:" in v)
    is_range = lambda v: v.startswith(("gt:", "gte:", "lt:", "lte:"))  # noqa: E731
    insert = f"{'gt' if ascending else 'lt'}:{last_value}"
    q = [(k, list(v)) for k, v in query]
    index = next((i for i, (k, _) in enumerate(q) if k == field), None)
    if index is None:
        q.append((field, [insert]))
    else:
        original = q[index][1]
        if len(original) > 1:
            q[index] = (field, [v for v in original if not passed(v)] + ([insert] if is_range(original[0]) else []))
        elif passed(original[0]):
            del q[index]
            q.append((field, [insert]))
        elif is_range(original[0]):
            q[index][1].append(insert)
    lower = upper = None
    for v in next((vals for k, vals in q if k == field), []):
        op, operand = operator(v)
        n = number(operand) if is_range(v) else None
        if n is None:
            continue
        if op in ("gt", "gte"):
            n = n + 1 if op == "gt" else n
            lower = n if lower is None else max(lower, n)
        else:
            n = n - 1 if op == "lt" else n
            upper = n if upper is None else min(upper, n)
    if lower is not None and upper is not None and upper < lower:
        return None
    return path + "?" + "&".join(f"{k}={v}" for k, values in q for v in values)


def valid(key, value):
    """Whether a value of an accepted `/api/v1/accounts` parameter is well formed."""
    op, operand = operator(value)
    if key == "account.id":
        return op in ("eq", "ne", "gt", "gte", "lt", "lte") and entity_num(operand) is not None
    if key == "limit":
        return op == "eq" and operand.isdigit() and int(operand) >= 1
    if key == "order":
        return op == "eq" and operand.lower() in ("asc", "desc")
    if key == "balance":
        return op == "eq" and operand.lower() in ("true", "false")
    return True


def bad_request(messages):
    return 400, json.dumps({"_status": {"messages": [{"message": m} for m in messages]}}).encode()


class Network:
    """Generated accounts 0.0.FIRST_GENERATED on and the transactions among them; thread-safe."""

    def __init__(self, accounts, tps, block_ms=2000, seed=7, keep_seconds=900):
        self.count, self.tps, self.block_ns = accounts, tps, int(block_ms * 1_000_000)
        self.keep_ns = int(keep_seconds * 1e9)
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.started = time.time_ns()
        created = self.started - 86_400 * 1_000_000_000
        self.hbar = [100_000_000_000 + FIRST_GENERATED + i for i in range(accounts)]
        self.hbar_at = [created + i for i in range(accounts)]
        self.created = created
        self.tokens = {i: {t: 1_000_000 for t, _ in TOKENS} for i in range(0, accounts, TOKEN_HOLDER_EVERY)}
        self.items = {}  # index -> cached list item (bytes)
        self.times, self.blobs, self.base = [], [], 0  # published transactions, ascending; base = seq of [0]
        self.by_account = {}  # index -> seqs of the transactions it is in
        self.changes = []  # (visible ns, account num, tinybars after, consensus ns)
        self.blocks = deque(maxlen=1000)
        self.requests = Counter()
        self.made = 0
        self.clock = self.started
        self.schedules = 0

    # --- the stream -------------------------------------------------------------------------------------------

    def start(self):
        if self.tps > 0 and self.count >= 3:
            threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        owed = 0.0
        while True:
            time.sleep(max(0.0, (self.clock + self.block_ns - time.time_ns()) / 1e9))
            end = time.time_ns()
            owed += self.tps * (end - self.clock) / 1e9
            n, owed = int(owed), owed - int(owed)
            self._publish(self._block(self.clock, end, n), self.clock, end)
            self.clock = end

    def _block(self, start, end, n):
        """`n` transactions with consensus times in (start, end], not yet visible: (ns, json, indices, changes)."""
        hbar, tokens = {}, {}  # this block's balances so far, over the published ones
        times = sorted(self.rng.randrange(start + 1, end) for _ in range(n)) if end - start > 1 else []
        # Consensus times are unique and only grow, also across blocks.
        out, previous = [], max(start, self.times[-1] if self.times else start)
        for at in times:
            at = max(at, previous + 1)
            for tx in make(self, at, hbar, tokens, room=n - len(out)):
                out.append(tx)
                previous = tx[0]
            if len(out) >= n:
                break
        return out

    def _publish(self, txs, start, end):
        with self.lock:
            visible = time.time_ns()
            for at, blob, indices, changes in txs:
                seq = self.base + len(self.times)
                self.times.append(at)
                self.blobs.append(blob)
                for i in indices:
                    self.by_account.setdefault(i, []).append(seq)
                for i, tinybars, token_balances in changes:
                    if tinybars is not None:
                        self.hbar[i], self.hbar_at[i] = tinybars, at
                        self.changes.append((visible, FIRST_GENERATED + i, tinybars, at))
                    if token_balances:
                        self.tokens[i].update(token_balances)
                    self.items.pop(i, None)
            self.made += len(txs)
            self.blocks.append((start, end, len(txs)))
            old = bisect.bisect_left(self.times, visible - self.keep_ns)
            if old > 10_000:
                del self.times[:old], self.blobs[:old]
                self.base += old

    # --- what the API serves ------------------------------------------------------------------------------------

    def index(self, text):
        num = entity_num(text)
        return None if num is None or not 0 <= num - FIRST_GENERATED < self.count else num - FIRST_GENERATED

    def item(self, i):
        """The `/api/v1/accounts` list item of generated account `i` (cached until its balances change)."""
        blob = self.items.get(i)
        if blob is None:
            blob = json.dumps(self.item_dict(i, True, True), separators=(",", ":")).encode()
            self.items[i] = blob
        return blob

    def item_dict(self, i, with_balance, ascending):
        num = FIRST_GENERATED + i
        held = sorted(self.tokens.get(i, {}).items(), key=lambda t: entity_num(t[0]), reverse=not ascending)
        balance = {"balance": self.hbar[i], "timestamp": ns_to_ts(self.hbar_at[i]),
                   "tokens": [{"token_id": t, "balance": b} for t, b in held][:50]} if with_balance else None
        return {
            "account": f"0.0.{num}", "alias": None, "auto_renew_period": 7776000, "balance": balance,
            "created_timestamp": ns_to_ts(self.created + i), "decline_reward": False, "delegation_address": "0x",
            "deleted": False, "ethereum_nonce": 0, "evm_address": f"0x{num:040x}", "expiry_timestamp": None,
            "key": KEY, "max_automatic_token_associations": 0, "memo": "", "pending_reward": 0,
            "receiver_sig_required": False, "staked_account_id": None, "staked_node_id": None,
            "stake_period_start": None,
        }

    def account(self, text):
        i = self.index(text)
        if i is None:
            return None
        with self.lock:
            return self.item(i)[:-1] + b',"transactions":[],"links":{"next":null}}'

    def account_tokens(self, text):
        i = self.index(text)
        if i is None:
            return None
        with self.lock:
            held = sorted(self.tokens.get(i, {}).items(), key=lambda t: entity_num(t[0]))
        decimals = dict(TOKENS)
        rels = [{"automatic_association": False, "balance": b, "created_timestamp": "1600000000.000000002",
                 "decimals": decimals[t], "freeze_status": "UNFROZEN", "kyc_status": "NOT_APPLICABLE",
                 "token_id": t} for t, b in held]
        return json.dumps({"tokens": rels, "links": {"next": None}}).encode()

    def accounts(self, query, statics):
        """`/api/v1/accounts` over the generated accounts and `statics` ({num: list item dict})."""
        bad = []
        for key, values in query:
            if key not in ACCEPTED:
                bad.append(f"Unknown query parameter: {key}")
            elif len(values) > MAX_REPEATED:
                bad.append(f"Parameter values count exceeds maximum number allowed: {key} count: {len(values)} "
                           f"max: {MAX_REPEATED}")
            elif not all(valid(key, v) for v in values):
                bad.append(f"Invalid parameter: {key}")
        if bad:
            return bad_request(bad)
        limit = min(int(last(query, "limit", "25")), 100)
        ascending = last(query, "order", "asc").lower() != "desc"
        with_balance = last(query, "balance", "true").lower() == "true"
        eq, conditions = set(), []
        for v in all_values(query, "account.id"):
            op, operand = operator(v)
            (eq.add(entity_num(operand)) if op == "eq" else conditions.append((op, entity_num(operand))))
        admits = lambda n: all({"gt": n > b, "gte": n >= b, "lt": n < b, "lte": n <= b}.get(op, n != b)  # noqa: E731
                               for op, b in conditions)
        low = max([b for op, b in conditions if op in ("gt", "gte")], default=0)
        high = min([b for op, b in conditions if op in ("lt", "lte")], default=1 << 38)
        if eq:
            candidates = sorted(eq, reverse=not ascending)
        else:
            generated = range(max(low, FIRST_GENERATED), min(high, FIRST_GENERATED + self.count - 1) + 1)
            before = [n for n in sorted(statics) if low <= n <= high]
            candidates = (x for part in ([before, generated] if ascending else [reversed(generated), before[::-1]])
                          for x in part)
        page = []
        with self.lock:
            for n in candidates:
                if len(page) == limit:
                    break
                if not admits(n):
                    continue
                i = n - FIRST_GENERATED
                if n in statics:
                    item = dict(statics[n], **({} if with_balance else {"balance": None}))
                    page.append((n, json.dumps(item).encode()))
                elif 0 <= i < self.count:
                    blob = self.item(i) if with_balance and ascending else json.dumps(
                        self.item_dict(i, with_balance, ascending)).encode()
                    page.append((n, blob))
        next_ = None
        if len(page) == limit and page:
            next_ = next_link("/api/v1/accounts", query, "account.id", f"0.0.{page[-1][0]}", ascending, entity_num)
        return 200, b'{"accounts":[' + b",".join(b for _, b in page) + b'],"links":' + \
            json.dumps({"next": next_}).encode() + b"}"

    def transactions(self, query):
        limit = min(int(last(query, "limit", "25")), 100)
        ascending = last(query, "order", "desc").lower() == "asc"
        low, high = 0, 1 << 80
        for v in all_values(query, "timestamp"):
            op, operand = operator(v)
            at = ts_to_ns(operand)
            if op in ("gt", "gte"):
                low = max(low, at + (op == "gt"))
            elif op in ("lt", "lte"):
                high = min(high, at - (op == "lt"))
            elif op == "eq":
                low, high = max(low, at), min(high, at)
        wanted = [self.index(operator(v)[1]) for v in all_values(query, "account.id")]
        with self.lock:
            start = max(bisect.bisect_left(self.times, low), 0)
            end = bisect.bisect_right(self.times, high)
            if all_values(query, "account.id"):
                seqs = set()
                for i in (i for i in wanted if i is not None):
                    found = self.by_account.get(i, [])
                    lo = bisect.bisect_left(found, self.base + start)
                    hi = bisect.bisect_left(found, self.base + end)
                    seqs.update(found[lo:lo + limit] if ascending else found[max(lo, hi - limit):hi])
                chosen = sorted(seqs, reverse=not ascending)[:limit]
                positions = [s - self.base for s in chosen]
            else:
                positions = range(start, min(end, start + limit)) if ascending else \
                    range(end - 1, max(start, end - limit) - 1, -1)
            page = [(self.times[p], self.blobs[p]) for p in positions]
        next_ = None
        if page and len(page) == limit:
            next_ = next_link("/api/v1/transactions", query, "timestamp", ns_to_ts(page[-1][0]), ascending,
                              lambda t: ts_to_ns(t) if t.replace(".", "", 1).isdigit() else None)
        return b'{"transactions":[' + b",".join(b for _, b in page) + b'],"links":' + \
            json.dumps({"next": next_}).encode() + b"}"

    def recent_blocks(self, limit):
        with self.lock:
            blocks = list(self.blocks)[-limit:][::-1]
            total = len(self.blocks)
        return [{"count": count, "gas_used": 0, "hapi_version": "0.60.0", "hash": "0x00", "logs_bloom": "0x",
                 "name": f"block{total - k}.rcd", "number": total - k, "previous_hash": "0x00", "size": 100,
                 "timestamp": {"from": ns_to_ts(start + 1), "to": ns_to_ts(end)}}
                for k, (start, end, count) in enumerate(blocks)]

    # --- for benchmarks -----------------------------------------------------------------------------------------

    def changes_since(self, since, at_most=200_000):
        """Hbar changes of generated accounts from number `since` on: [visible ns, num, tinybars after, consensus]."""
        with self.lock:
            chunk = self.changes[since:since + at_most]
        return {"next": since + len(chunk), "changes": chunk}

    def record_request(self, kind):
        with self.lock:
            self.requests[kind] += 1

    def stats(self):
        with self.lock:
            head = ns_to_ts(self.times[-1]) if self.times else None
            return {"requests": dict(self.requests), "transactions": self.made, "head": head,
                    "accounts": self.count, "tps": self.tps, "started_ns": self.started}
