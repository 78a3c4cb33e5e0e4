#!/usr/bin/env python3
"""Writes data/coinbase_ticker_sample.jsonl: synthetic frames in the Coinbase Exchange
WebSocket `ticker` format (made by the MicroCoin project, not recorded from Coinbase).
Deterministic (fixed seed), ~60 s of BTC-USD and ETH-USD with realistic prices, one-cent
spreads most of the time, 8-decimal sizes, increasing sequence and trade ids."""
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20240501)
start = datetime(2024, 5, 1, 14, 30, 0, 123456, tzinfo=timezone.utc)
products = {
    # product: [mid in cents, sequence, trade_id, open_24h, volume_24h]
    "BTC-USD": [5812345, 79540013877, 642110235, "57650.01", "13052.61209833"],
    "ETH-USD": [298765, 51230411920, 516772004, "2975.11", "151024.40188522"],
}

def dumps(o):
    return json.dumps(o, separators=(",", ":"))

def cents(c):
    return f"{c // 100}.{c % 100:02d}"

def size():
    return f"{rng.randint(1, 250000000) / 1e8:.8f}"

lines = [dumps({"type": "subscriptions", "channels": [
    {"name": "ticker", "product_ids": list(products)},
    {"name": "heartbeat", "product_ids": list(products)}]})]
t = start
last_beat = start
for i in range(200):
    t += timedelta(microseconds=rng.randint(50_000, 550_000))
    product = "BTC-USD" if rng.random() < 0.6 else "ETH-USD"
    p = products[product]
    step = rng.choice([-3, -2, -1, -1, 0, 0, 1, 1, 2, 3]) * (100 if product == "BTC-USD" else 10)
    p[0] += step
    spread = 1 if rng.random() < 0.8 else rng.randint(2, 25)
    bid = p[0]
    ask = bid + spread
    side = rng.choice(["buy", "sell"])
    price = ask if side == "buy" else bid
    p[1] += rng.randint(3, 40)
    p[2] += 1
    lines.append(dumps({
        "type": "ticker", "sequence": p[1], "product_id": product, "price": cents(price),
        "open_24h": p[3], "volume_24h": p[4], "low_24h": cents(p[0] - 150000 // (1 if product == "BTC-USD" else 20)),
        "high_24h": cents(p[0] + 90000 // (1 if product == "BTC-USD" else 20)),
        "volume_30d": "412345.12345678" if product == "BTC-USD" else "3912345.87654321",
        "best_bid": cents(bid), "best_bid_size": size(), "best_ask": cents(ask),
        "best_ask_size": size(), "side": side,
        "time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "trade_id": p[2], "last_size": size()}))
    if t - last_beat >= timedelta(seconds=10):
        last_beat = t
        for name, q in products.items():
            lines.append(dumps({"type": "heartbeat", "last_trade_id": q[2], "product_id": name,
                                     "sequence": q[1], "time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}))

with open(__file__.rsplit("/", 1)[0] + "/coinbase_ticker_sample.jsonl", "w") as f:
    f.write("\n".join(lines) + "\n")
