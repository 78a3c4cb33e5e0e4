// Decimal strings to exact integers of minor units and back (BigInt, no floats), for the few
// sums the console makes itself: the mid price and the open candle.

export function toMinor(text: string, scale: number): bigint {
  const neg = text.startsWith("-");
  const [i, f = ""] = (neg ? text.slice(1) : text).split(".");
  const v = BigInt(i || "0") * 10n ** BigInt(scale) + BigInt((f + "0".repeat(scale)).slice(0, scale) || "0");
  return neg ? -v : v;
}

export function fromMinor(v: bigint, scale: number): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = a.toString().padStart(scale + 1, "0");
  const out = scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  return neg ? `-${out}` : out;
}

// (bid + ask) / 2 in cents, rounded half up: the same rule as the Quotes service's candles.
export function midCents(bid: string, ask: string): bigint {
  return (toMinor(bid, 2) + toMinor(ask, 2) + 1n) / 2n;
}
