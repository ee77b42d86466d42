"""One random transaction of bench/fake_network.py's stream, shaped like the Mirror Node's `/api/v1/transactions`
items (the spec fixtures `transactions__no-params.json`, `accounts__id__no-params.json`).

The payer pays a fee shared by the node account (0.0.3-0.0.6), 0.0.98, 0.0.800 and 0.0.801. Kinds: crypto transfers;
transfers that pay a staking reward (0.0.800 pays it, listed twice, and `staking_reward_transfers` repeats it);
approved transfers (`is_approval`, the spender pays the fee); transfers that list the payer twice; failed transfers
(`INSUFFICIENT_ACCOUNT_BALANCE`, `INSUFFICIENT_TOKEN_BALANCE`: the fee only); token transfers between holders;
HCS messages; a `SCHEDULESIGN` with its scheduled child (`nonce` 1, `parent_consensus_timestamp`). Transfers are
sorted by account then amount, token transfers by token then account, as the API sorts them.
"""
import base64
import json

# The generated network's layout: accounts from 0.0.FIRST_GENERATED, every TOKEN_HOLDER_EVERY-th holding TOKENS
# (id, decimals) as 0.0.1002 holds them, and the node accounts that collect node fees.
FIRST_GENERATED = 200000
TOKEN_HOLDER_EVERY = 10
TOKENS = [("0.0.5000", 2), ("0.0.5001", 0)]
NODES = ["0.0.3", "0.0.4", "0.0.5", "0.0.6"]
MAX_FEE = 500_000
SYSTEM = {"0.0.98": 98, "0.0.800": 800, "0.0.801": 801, **{n: int(n.rsplit(".", 1)[1]) for n in NODES}}


def make(net, at, hbar, tokens, room):
    """[(consensus ns, JSON bytes, generated indices in it, [(index, tinybars after or None, {token: after})])];
    `hbar` and `tokens` hold this block's balances so far and are updated."""
    rng, count = net.rng, net.count
    bal = lambda i: hbar.get(i, net.hbar[i])  # noqa: E731
    held = lambda i, t: tokens.get(i, net.tokens.get(i, {})).get(t, 0)  # noqa: E731
    a, b, c = rng.sample(range(count), 3)
    fee, node, roll = rng.randint(MAX_FEE // 10, MAX_FEE), rng.choice(NODES), rng.randrange(100)
    amount = rng.randint(1, max(1, bal(a) // 100))
    tx = {"name": "CRYPTOTRANSFER", "payer": a, "result": "SUCCESS", "fee": fee, "node": node, "entity": None,
          "transfers": [], "tokens": [], "rewards": []}
    moves, child = tx["transfers"], None
    if roll < 35 or (roll < 43 and bal(a) < amount + fee):
        transfer(tx, a, b, amount, bal(a))
    elif roll < 43:
        reward = rng.randint(1, 50_000_000)
        moves += [(a, -(amount + fee), False), (b, amount + reward, False), ("0.0.800", -reward, False)]
        tx["rewards"].append((b, reward))
    elif roll < 50:
        owned = rng.randint(1, max(1, bal(b) // 100))
        moves += [(a, -fee, False), (b, -owned, True), (c, owned, False)]
    elif roll < 54 and bal(a) >= amount + fee:
        moves += [(a, -amount, False), (a, -fee, False), (b, amount, False)]
    elif roll < 62:
        fail(tx, a, "INSUFFICIENT_ACCOUNT_BALANCE")
    elif roll < 80 and count > TOKEN_HOLDER_EVERY:
        holders = (count - 1) // TOKEN_HOLDER_EVERY + 1
        src, dst = (TOKEN_HOLDER_EVERY * h for h in rng.sample(range(holders), 2))
        token = rng.choice(TOKENS)[0]
        units = rng.randint(1, 1_000)
        tx["payer"] = src
        if held(src, token) < units:
            fail(tx, src, "INSUFFICIENT_TOKEN_BALANCE")
        else:
            moves.append((src, -fee, False))
            tx["tokens"] += [(token, src, -units, False), (token, dst, units, False)]
    elif roll < 84 and room >= 2:
        net.schedules += 1
        tx.update(name="SCHEDULESIGN", entity=f"0.0.{8_000_000 + net.schedules}")
        moves.append((a, -fee, False))
        moved = rng.randint(1, max(1, bal(b) // 100))
        child = dict(tx, name="CRYPTOTRANSFER", entity=None, fee=0, transfers=[(b, -moved, False), (c, moved, False)],
                     nonce=1, scheduled=True, parent=at)
    else:
        tx.update(name="CONSENSUSSUBMITMESSAGE", entity=f"0.0.{9_000_000 + rng.randrange(3)}")
        moves.append((a, -fee, False))
    valid_start = at - rng.randrange(1_000_000_000, 8_000_000_000)
    out = [finish(net, tx, at, valid_start, hbar, tokens)]
    if child is not None:
        out.append(finish(net, child, at + 1, valid_start, hbar, tokens))
    return out


def ns_to_ts(ns):
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"


def transfer(tx, a, b, amount, balance):
    if balance < amount + tx["fee"]:
        fail(tx, a, "INSUFFICIENT_ACCOUNT_BALANCE")
    else:
        tx["transfers"] += [(a, -(amount + tx["fee"]), False), (b, amount, False)]


def fail(tx, payer, result):
    tx["result"] = result
    tx["transfers"].append((payer, -tx["fee"], False))


def account(x):
    """A generated account's index, or a system account's id, as the API writes it."""
    return x if isinstance(x, str) else f"0.0.{FIRST_GENERATED + x}"


def num(x):
    return SYSTEM[x] if isinstance(x, str) else FIRST_GENERATED + x


def finish(net, tx, at, valid_start, hbar, tokens):
    """The transaction as JSON, with its fee shares, applied to this block's balances."""
    fee = tx["fee"]
    moves = list(tx["transfers"])
    if fee:
        shares = fee // 10, fee // 20
        moves += [(tx["node"], shares[0], False), ("0.0.98", fee - shares[0] - 2 * shares[1], False),
                  ("0.0.800", shares[1], False), ("0.0.801", shares[1], False)]
    moves.sort(key=lambda m: (num(m[0]), m[1]))
    token_moves = sorted(tx["tokens"], key=lambda m: (int(m[0].rsplit(".", 1)[1]), num(m[1])))
    payer = account(tx["payer"])
    body = {
        "batch_key": None, "bytes": None, "charged_tx_fee": fee, "consensus_timestamp": ns_to_ts(at),
        "entity_id": tx["entity"], "high_volume": False, "high_volume_pricing_multiplier": 1,
        "max_custom_fees": [], "max_fee": "200000000", "memo_base64": "", "name": tx["name"], "nft_transfers": [],
        "node": tx["node"], "nonce": tx.get("nonce", 0),
        "parent_consensus_timestamp": ns_to_ts(tx["parent"]) if tx.get("parent") else None,
        "result": tx["result"], "scheduled": tx.get("scheduled", False),
        "staking_reward_transfers": [{"account": account(x), "amount": r} for x, r in tx["rewards"]],
        "token_transfers": [{"token_id": t, "account": account(x), "amount": n, "is_approval": ap}
                            for t, x, n, ap in token_moves],
        "transaction_hash": base64.b64encode(net.rng.randbytes(48)).decode(),
        "transaction_id": f"{payer}-{valid_start // 1_000_000_000}-{valid_start % 1_000_000_000:09d}",
        "transfers": [{"account": account(x), "amount": n, "is_approval": ap} for x, n, ap in moves],
        "valid_duration_seconds": "120", "valid_start_timestamp": ns_to_ts(valid_start),
    }
    changes = {}
    for x, n, _ in moves:
        if not isinstance(x, str):
            hbar[x] = hbar.get(x, net.hbar[x]) + n
            changes.setdefault(x, [None, {}])[0] = hbar[x]
    for t, x, n, _ in token_moves:
        own = tokens.setdefault(x, dict(net.tokens[x]))
        own[t] += n
        changes.setdefault(x, [None, {}])[1][t] = own[t]
    indices = set(changes) | ({tx["payer"]} if not isinstance(tx["payer"], str) else set())
    blob = json.dumps(body, separators=(",", ":")).encode()
    return at, blob, indices, [(i, h, t) for i, (h, t) in changes.items()]
