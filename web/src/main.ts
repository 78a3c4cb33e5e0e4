// The console: one page on the public API alone. Panels render from small fetches; the quote
// stream moves prices and the chart, the order stream triggers re-reads of orders and the
// portfolio (GET /api/orders is the catch-up after any gap, so nothing is lost on reconnect).
import "./style.css";
import { accessToken, call, currentUser, explain, login, logout, newKey, onSessionChange, signup } from "./api";
import { CandleChart } from "./chart";
import { midCents, fromMinor } from "./money";

interface Quote {
  symbol: string;
  bid: string;
  ask: string;
  ts: string;
  stale?: boolean;
}
interface Order {
  id: string;
  symbol: string;
  side: string;
  type: string;
  price: string | null;
  qty: string;
  filled_qty: string;
  status: string;
  time_in_force?: string;
  avg_fill_price?: string;
  created_at: string;
  fills?: Fill[];
}
interface Fill {
  trade_id: string;
  price: string;
  qty: string;
  fee: string;
  liquidity: string;
  ts: string;
}
interface Portfolio {
  balances: { currency: string; balance_available: string; balance_hold: string; balance_total: string }[];
  positions: { symbol: string; qty: string; avg_price: string; unrealized_pnl: string; market_price?: string | null; realized_pnl?: string }[];
  pnl: { realized: string; unrealized: string; total: string };
}

const $ = <T extends HTMLElement = HTMLElement>(sel: string): T => document.querySelector(sel) as T;
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const time = (iso: string): string => new Date(iso).toLocaleTimeString();
const signed = (v: string): string => `<span class="${v.startsWith("-") ? "neg" : v === "0.00" ? "" : "pos"}">${esc(v)}</span>`;

$("#app").innerHTML = `
<header>
  <h1>MicroCoin</h1>
  <span id="conn" class="badge" data-testid="conn">quotes: connecting</span>
  <span id="who" data-testid="who"></span>
  <button id="logout" data-testid="logout" hidden>Log out</button>
</header>
<div id="flash" role="status" data-testid="flash"></div>
<main>
  <section id="auth" class="card">
    <h2>Sign up or log in</h2>
    <form id="auth-form">
      <label>Email <input id="email" data-testid="email" type="email" autocomplete="username" required></label>
      <label>Password <input id="password" data-testid="password" type="password" autocomplete="current-password" minlength="8" required></label>
      <div class="row">
        <button id="signup" data-testid="signup" type="button">Sign up</button>
        <button id="login" data-testid="login" type="submit">Log in</button>
      </div>
      <p class="hint">Paper money only. Passwords need 8 characters.</p>
    </form>
  </section>
  <section class="card">
    <h2>Quotes</h2>
    <table class="grid"><thead><tr><th>Symbol</th><th>Bid</th><th>Ask</th><th>Mid</th><th>Time</th></tr></thead>
    <tbody id="quotes" data-testid="quotes"></tbody></table>
  </section>
  <section class="card span2">
    <div class="row spread">
      <h2>Chart <span id="chart-symbol"></span></h2>
      <div class="row" id="intervals">
        <button data-interval="1m" class="on">1m</button><button data-interval="5m">5m</button><button data-interval="1h">1h</button>
      </div>
    </div>
    <div id="chart" data-testid="chart"></div>
  </section>
  <section class="card" id="ticket-card">
    <h2>Order ticket</h2>
    <form id="ticket" data-testid="ticket">
      <label>Symbol <select id="t-symbol" data-testid="t-symbol"></select></label>
      <div class="row seg" role="radiogroup">
        <label class="buy"><input type="radio" name="side" value="BUY" checked data-testid="t-buy"> Buy</label>
        <label class="sell"><input type="radio" name="side" value="SELL" data-testid="t-sell"> Sell</label>
      </div>
      <label>Type <select id="t-type" data-testid="t-type"><option value="LIMIT">Limit</option><option value="MARKET">Market</option></select></label>
      <label>Price (USD) <input id="t-price" data-testid="t-price" inputmode="decimal" placeholder="e.g. 50000.00"></label>
      <label>Quantity <input id="t-qty" data-testid="t-qty" inputmode="decimal" placeholder="e.g. 0.01" required></label>
      <label>Time in force <select id="t-tif" data-testid="t-tif"><option value="">Default (GTC limit, IOC market)</option><option>GTC</option><option>IOC</option><option>FOK</option></select></label>
      <label class="check"><input id="t-post" data-testid="t-post" type="checkbox"> Post-only (maker or nothing)</label>
      <button id="t-submit" data-testid="t-submit" type="submit" class="primary">Place order</button>
      <div id="t-result" data-testid="t-result" class="result"></div>
    </form>
  </section>
  <section class="card span2 needs-login">
    <h2>Portfolio <span id="orders-live" class="badge" data-testid="orders-live"></span></h2>
    <form id="topup" class="row" data-testid="topup">
      <input id="topup-amount" data-testid="topup-amount" inputmode="decimal" value="10000.00" aria-label="Top-up amount (USD)">
      <button type="submit" data-testid="topup-submit">Top up USD</button>
    </form>
    <div id="pnl" data-testid="pnl" class="pnl"></div>
    <table class="grid"><thead><tr><th>Currency</th><th>Available</th><th>On hold</th><th>Total</th></tr></thead><tbody id="balances" data-testid="balances"></tbody></table>
    <table class="grid"><thead><tr><th>Symbol</th><th>Qty</th><th>Avg price</th><th>Mark</th><th>Unrealized</th><th>Realized</th></tr></thead><tbody id="positions" data-testid="positions"></tbody></table>
  </section>
  <section class="card">
    <h2>Order book <span id="book-symbol"></span></h2>
    <div class="book"><table class="grid"><thead><tr><th>Bid qty</th><th>Bid</th></tr></thead><tbody id="bids" data-testid="bids"></tbody></table>
    <table class="grid"><thead><tr><th>Ask</th><th>Ask qty</th></tr></thead><tbody id="asks" data-testid="asks"></tbody></table></div>
  </section>
  <section class="card span2 needs-login">
    <h2>Open orders</h2>
    <div class="scroll"><table class="grid"><thead><tr><th>Time</th><th>Symbol</th><th>Side</th><th>Price</th><th>Qty</th><th>Filled</th><th>Status</th><th></th></tr></thead>
    <tbody id="open-orders" data-testid="open-orders"></tbody></table></div>
    <form id="replace" class="row" hidden data-testid="replace">
      <span id="replace-id"></span>
      <input id="replace-price" data-testid="replace-price" inputmode="decimal" placeholder="new price">
      <input id="replace-qty" data-testid="replace-qty" inputmode="decimal" placeholder="new total qty">
      <button type="submit" data-testid="replace-submit">Replace</button>
      <button type="button" id="replace-close">Close</button>
    </form>
  </section>
  <section class="card wide needs-login">
    <h2>Order history and fills</h2>
    <div class="scroll"><table class="grid"><thead><tr><th>Time</th><th>Symbol</th><th>Side</th><th>Type</th><th>Qty</th><th>Filled</th><th>Avg price</th><th>Status</th><th></th></tr></thead>
    <tbody id="history" data-testid="history"></tbody></table></div>
    <div id="fills" data-testid="fills"></div>
  </section>
</main>`;

const chart = new CandleChart($("#chart"));
const quotes = new Map<string, Quote>();
let symbols: string[] = [];
let selected = "BTC-USD";
let interval = "1m";

function flash(text: string, kind: "ok" | "err" = "ok"): void {
  const el = $("#flash");
  el.textContent = text;
  el.className = kind;
}

// ---- quotes -------------------------------------------------------------------------------

function renderQuote(q: Quote): void {
  let row = document.getElementById(`q-${q.symbol}`);
  if (!row) {
    row = document.createElement("tr");
    row.id = `q-${q.symbol}`;
    row.dataset.testid = `quote-${q.symbol}`;
    row.addEventListener("click", () => select(q.symbol));
    $("#quotes").appendChild(row);
  }
  row.className = (q.symbol === selected ? "sel " : "") + (q.stale ? "stale" : "");
  row.innerHTML = `<td>${esc(q.symbol)}</td><td data-testid="bid-${esc(q.symbol)}">${esc(q.bid)}</td>
    <td data-testid="ask-${esc(q.symbol)}">${esc(q.ask)}</td><td>${fromMinor(midCents(q.bid, q.ask), 2)}</td><td>${time(q.ts)}</td>`;
}

function onQuote(q: Quote): void {
  quotes.set(q.symbol, q);
  if (!symbols.includes(q.symbol)) {
    symbols.push(q.symbol);
    fillSymbolSelect();
  }
  renderQuote(q);
  chart.onQuote(q.symbol, q.bid, q.ask, q.ts);
}

function connectQuotes(): void {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/quotes`);
  ws.onopen = () => ($("#conn").textContent = "quotes: live");
  ws.onmessage = (m) => {
    try {
      onQuote(JSON.parse(m.data as string) as Quote);
    } catch {
      /* not a quote */
    }
  };
  ws.onclose = () => {
    $("#conn").textContent = "quotes: reconnecting";
    setTimeout(connectQuotes, 1000);
  };
}

function fillSymbolSelect(): void {
  const sel = $<HTMLSelectElement>("#t-symbol");
  const keep = sel.value || selected;
  sel.innerHTML = symbols.map((s) => `<option>${esc(s)}</option>`).join("");
  sel.value = symbols.includes(keep) ? keep : symbols[0];
}

function select(symbol: string): void {
  selected = symbol;
  $("#chart-symbol").textContent = symbol;
  $("#book-symbol").textContent = symbol;
  $<HTMLSelectElement>("#t-symbol").value = symbol;
  for (const q of quotes.values()) renderQuote(q);
  void loadChart();
  void loadBook();
}

async function loadChart(): Promise<void> {
  try {
    await chart.show(selected, interval);
  } catch (e) {
    flash(`Chart: ${explain(e)}`, "err");
  }
}

for (const b of document.querySelectorAll<HTMLButtonElement>("#intervals button")) {
  b.addEventListener("click", () => {
    interval = b.dataset.interval!;
    for (const o of document.querySelectorAll("#intervals button")) o.classList.toggle("on", o === b);
    void loadChart();
  });
}

// ---- order book ---------------------------------------------------------------------------

async function loadBook(): Promise<void> {
  try {
    const b = await call<{ bids: [string, string][]; asks: [string, string][] }>(
      "GET", `/api/orderbook/${encodeURIComponent(selected)}?depth=10`);
    $("#bids").innerHTML = b.bids.map(([p, q]) => `<tr><td>${esc(q)}</td><td class="pos">${esc(p)}</td></tr>`).join("") ||
      `<tr><td colspan="2" class="hint">no bids</td></tr>`;
    $("#asks").innerHTML = b.asks.map(([p, q]) => `<tr><td class="neg">${esc(p)}</td><td>${esc(q)}</td></tr>`).join("") ||
      `<tr><td colspan="2" class="hint">no asks</td></tr>`;
  } catch {
    /* shown again on the next poll */
  }
}

// ---- session ------------------------------------------------------------------------------

function credentials(): [string, string] | null {
  const email = $<HTMLInputElement>("#email").value.trim();
  const password = $<HTMLInputElement>("#password").value;
  if (!email || password.length < 8) {
    flash("Enter an email and a password of at least 8 characters.", "err");
    return null;
  }
  return [email, password];
}

// Only the answer to the latest click is shown: answers may arrive out of order (a refused
// request returns at once, a password check takes a moment).
let authSeq = 0;
$("#signup").addEventListener("click", async () => {
  const c = credentials();
  if (!c) return;
  const seq = ++authSeq;
  try {
    await signup(...c);
    if (seq === authSeq) flash(`Welcome, ${c[0]}. Top up to start trading.`);
  } catch (e) {
    if (seq === authSeq) flash(explain(e), "err");
  }
});

$("#auth-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const c = credentials();
  if (!c) return;
  const seq = ++authSeq;
  try {
    await login(...c);
    if (seq === authSeq) flash(`Logged in as ${c[0]}.`);
  } catch (e) {
    if (seq === authSeq) flash(explain(e), "err");
  }
});

$("#logout").addEventListener("click", async () => {
  await logout();
  flash("Logged out.");
});

let ordersWs: WebSocket | null = null;
let pollTimer: number | undefined;

onSessionChange((user) => {
  document.body.classList.toggle("logged-in", !!user);
  $("#auth").hidden = !!user;
  $("#logout").hidden = !user;
  $("#who").textContent = user ? user.email : "";
  $<HTMLInputElement>("#password").value = "";
  ordersWs?.close();
  ordersWs = null;
  window.clearInterval(pollTimer);
  if (user) {
    connectOrders();
    void refreshAccount();
    // Unrealized P&L follows the market: re-read the portfolio every few seconds.
    pollTimer = window.setInterval(() => void loadPortfolio(), 3000);
  } else {
    for (const id of ["#balances", "#positions", "#open-orders", "#history", "#fills", "#pnl", "#t-result"]) $(id).innerHTML = "";
    $("#replace").hidden = true;
    $("#orders-live").textContent = "";
  }
});

// The access token goes in a subprotocol, not the URL (URLs end up in proxy logs).
function connectOrders(): void {
  const token = accessToken();
  if (!token) return;
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/orders`,
    ["microcoin.v1", `bearer.${token}`]);
  ordersWs = ws;
  ws.onopen = () => ($("#orders-live").textContent = "live");
  ws.onmessage = () => scheduleRefresh();
  ws.onclose = () => {
    if (ordersWs !== ws) return;  // replaced or logged out
    $("#orders-live").textContent = "reconnecting";
    setTimeout(() => {
      if (ordersWs === ws && currentUser()) {
        connectOrders();
        scheduleRefresh();  // catch up on whatever happened while away
      }
    }, 1000);
  };
}

let refreshPending: number | undefined;
function scheduleRefresh(): void {
  window.clearTimeout(refreshPending);
  refreshPending = window.setTimeout(() => void refreshAccount(), 100);
}

async function refreshAccount(): Promise<void> {
  await Promise.all([loadPortfolio(), loadOpenOrders(), loadHistory()]);
}

// ---- portfolio ----------------------------------------------------------------------------

async function loadPortfolio(): Promise<void> {
  if (!currentUser()) return;
  try {
    const p = await call<Portfolio>("GET", "/api/portfolio");
    $("#balances").innerHTML = p.balances.map((b) =>
      `<tr data-testid="balance-${esc(b.currency)}"><td>${esc(b.currency)}</td><td>${esc(b.balance_available)}</td><td>${esc(b.balance_hold)}</td><td>${esc(b.balance_total)}</td></tr>`).join("") ||
      `<tr><td colspan="4" class="hint">No money yet: top up above.</td></tr>`;
    $("#positions").innerHTML = p.positions.map((x) =>
      `<tr data-testid="position-${esc(x.symbol)}"><td>${esc(x.symbol)}</td><td data-testid="position-qty">${esc(x.qty)}</td><td>${esc(x.avg_price)}</td><td>${esc(x.market_price ?? "-")}</td><td>${signed(x.unrealized_pnl)}</td><td>${x.realized_pnl ? signed(x.realized_pnl) : "-"}</td></tr>`).join("") ||
      `<tr><td colspan="6" class="hint">No positions.</td></tr>`;
    $("#pnl").innerHTML = `P&amp;L realized ${signed(p.pnl.realized)} · unrealized <span data-testid="pnl-unrealized">${signed(p.pnl.unrealized)}</span> · total ${signed(p.pnl.total)}`;
  } catch (e) {
    if (currentUser()) flash(`Portfolio: ${explain(e)}`, "err");
  }
}

$("#topup").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const amount = $<HTMLInputElement>("#topup-amount").value.trim();
  try {
    const r = await call<{ balance: string }>("POST", "/api/fund/topup", { amount }, { "Idempotency-Key": newKey() });
    flash(`Topped up ${amount} USD. Available: ${r.balance} USD.`);
    void loadPortfolio();
  } catch (e) {
    flash(`Top-up refused. ${explain(e)}`, "err");
  }
});

// ---- orders -------------------------------------------------------------------------------

function updateTicket(): void {
  const market = $<HTMLSelectElement>("#t-type").value === "MARKET";
  $<HTMLInputElement>("#t-price").disabled = market;
  $<HTMLInputElement>("#t-post").disabled = market;
  if (market) $<HTMLInputElement>("#t-post").checked = false;
}
$("#t-type").addEventListener("change", updateTicket);

$("#ticket").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!currentUser()) {
    $("#t-result").textContent = "Log in first.";
    return;
  }
  const side = (document.querySelector('input[name="side"]:checked') as HTMLInputElement).value;
  const type = $<HTMLSelectElement>("#t-type").value;
  const body: Record<string, unknown> = {
    symbol: $<HTMLSelectElement>("#t-symbol").value,
    side,
    type,
    qty: $<HTMLInputElement>("#t-qty").value.trim(),
  };
  if (type === "LIMIT") body.price = $<HTMLInputElement>("#t-price").value.trim();
  const tif = $<HTMLSelectElement>("#t-tif").value;
  if (tif) body.time_in_force = tif;
  if ($<HTMLInputElement>("#t-post").checked) body.post_only = true;
  const out = $("#t-result");
  out.className = "result";
  out.textContent = "Sending…";
  try {
    const r = await call<{ order_id: string; status: string; filled_qty: string; avg_fill_price?: string }>(
      "POST", "/api/orders", body, { "Idempotency-Key": newKey() });
    out.className = "result ok";
    out.textContent = `${side} ${body.qty} ${body.symbol}: ${r.status}, filled ${r.filled_qty}` +
      (r.avg_fill_price ? ` at ${r.avg_fill_price}` : "") + ` (order ${r.order_id.slice(0, 8)})`;
    scheduleRefresh();
  } catch (e) {
    out.className = "result err";
    out.textContent = explain(e);
  }
});

async function loadOpenOrders(): Promise<void> {
  if (!currentUser()) return;
  try {
    const r = await call<{ orders: Order[] }>("GET", "/api/orders?status=open&limit=50");
    $("#open-orders").innerHTML = r.orders.map((o) => `<tr data-testid="open-order" data-id="${esc(o.id)}">
      <td>${time(o.created_at)}</td><td>${esc(o.symbol)}</td><td class="${o.side === "BUY" ? "pos" : "neg"}">${esc(o.side)}</td>
      <td>${esc(o.price ?? "market")}</td><td>${esc(o.qty)}</td><td>${esc(o.filled_qty)}</td><td>${esc(o.status)}</td>
      <td class="actions"><button data-act="replace" data-testid="replace-order">Replace</button><button data-act="cancel" data-testid="cancel-order">Cancel</button></td></tr>`).join("") ||
      `<tr><td colspan="8" class="hint">No open orders.</td></tr>`;
  } catch (e) {
    if (currentUser()) flash(`Open orders: ${explain(e)}`, "err");
  }
}

$("#open-orders").addEventListener("click", async (ev) => {
  const btn = (ev.target as HTMLElement).closest("button");
  const row = btn?.closest("tr");
  if (!btn || !row?.dataset.id) return;
  const id = row.dataset.id;
  if (btn.dataset.act === "cancel") {
    try {
      const o = await call<Order>("DELETE", `/api/orders/${id}`);
      flash(`Order ${id.slice(0, 8)} ${o.status.toLowerCase()}.`);
    } catch (e) {
      flash(`Cancel refused. ${explain(e)}`, "err");
    }
    scheduleRefresh();
  } else {
    const form = $("#replace");
    form.hidden = false;
    form.dataset.id = id;
    $("#replace-id").textContent = `Order ${id.slice(0, 8)}:`;
    $<HTMLInputElement>("#replace-price").value = row.children[3].textContent ?? "";
    $<HTMLInputElement>("#replace-qty").value = row.children[4].textContent ?? "";
  }
});

$("#replace-close").addEventListener("click", () => ($("#replace").hidden = true));
$("#replace").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = $("#replace");
  const body: Record<string, string> = {};
  const price = $<HTMLInputElement>("#replace-price").value.trim();
  const qty = $<HTMLInputElement>("#replace-qty").value.trim();
  if (price) body.price = price;
  if (qty) body.qty = qty;
  try {
    const o = await call<Order>("PATCH", `/api/orders/${form.dataset.id}`, body);
    flash(`Order replaced: ${o.qty} at ${o.price}, ${o.status}.`);
    form.hidden = true;
  } catch (e) {
    flash(`Replace refused. ${explain(e)}`, "err");
  }
  scheduleRefresh();
});

async function loadHistory(): Promise<void> {
  if (!currentUser()) return;
  try {
    const r = await call<{ orders: Order[] }>("GET", "/api/orders?status=closed&limit=20");
    $("#history").innerHTML = r.orders.map((o) => `<tr data-testid="closed-order" data-id="${esc(o.id)}">
      <td>${time(o.created_at)}</td><td>${esc(o.symbol)}</td><td class="${o.side === "BUY" ? "pos" : "neg"}">${esc(o.side)}</td><td>${esc(o.type)}</td>
      <td>${esc(o.qty)}</td><td>${esc(o.filled_qty)}</td><td>${esc(o.avg_fill_price ?? "-")}</td><td>${esc(o.status)}</td>
      <td>${o.filled_qty.replace(/[0.]/g, "") ? `<button data-testid="show-fills">Fills</button>` : ""}</td></tr>`).join("") ||
      `<tr><td colspan="9" class="hint">Nothing yet.</td></tr>`;
  } catch (e) {
    if (currentUser()) flash(`History: ${explain(e)}`, "err");
  }
}

$("#history").addEventListener("click", async (ev) => {
  const row = (ev.target as HTMLElement).closest("button")?.closest("tr");
  if (!row?.dataset.id) return;
  try {
    const o = await call<Order>("GET", `/api/orders/${row.dataset.id}`);
    $("#fills").innerHTML = `<h3>Fills of ${esc(o.id.slice(0, 8))}</h3><table class="grid"><thead><tr><th>Time</th><th>Price</th><th>Qty</th><th>Fee</th><th>Role</th></tr></thead><tbody>` +
      (o.fills ?? []).map((f) => `<tr><td>${time(f.ts)}</td><td>${esc(f.price)}</td><td>${esc(f.qty)}</td><td>${esc(f.fee)}</td><td>${esc(f.liquidity)}</td></tr>`).join("") +
      "</tbody></table>";
  } catch (e) {
    flash(`Fills: ${explain(e)}`, "err");
  }
});

// ---- start --------------------------------------------------------------------------------

async function start(): Promise<void> {
  try {
    const r = await call<{ quotes: Quote[] }>("GET", "/api/quotes");
    for (const q of r.quotes) onQuote(q);
  } catch (e) {
    flash(`Quotes: ${explain(e)}`, "err");
  }
  if (symbols.length && !symbols.includes(selected)) selected = symbols[0];
  select(selected);
  connectQuotes();
  window.setInterval(() => void loadBook(), 2000);
}

updateTicket();
void start();
