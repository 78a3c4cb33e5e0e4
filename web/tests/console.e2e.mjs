// The console in a real browser (Debian's Chromium, headless, driven by playwright-core)
// against the real system: sign up, top up, a quote moves, a limit order rests and is
// replaced and cancelled, a market order fills and shows up as a position with P&L, errors
// are plain (insufficient funds, rate limit), log out. A screenshot per step goes to MC_ARTIFACTS.
//   MC_BASE_URL=http://127.0.0.1:8080 MC_ARTIFACTS=build/debug/artifacts/console node console.e2e.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.MC_BASE_URL ?? "http://127.0.0.1:8080";
const out = process.env.MC_ARTIFACTS ?? "artifacts/console";
const executablePath = process.env.MC_CHROMIUM ?? "/usr/bin/chromium";
const step = 20_000;  // the longest any one step may take
mkdirSync(out, { recursive: true });

let n = 0;
async function shot(page, name) {
  n += 1;
  const file = join(out, `${String(n).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`ok   ${name} (${file})`);
}

// Cents of a decimal string, exactly.
const cents = (s) => {
  const [i, f = ""] = s.split(".");
  return BigInt(i) * 100n + BigInt((f + "00").slice(0, 2));
};
const decimal = (c) => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // Root in a container has no user namespaces for Chromium's sandbox.
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
});
let failed = false;
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
page.setDefaultTimeout(step);
const consoleErrors = [];
page.on("pageerror", (e) => consoleErrors.push(String(e)));
try {
  await page.goto(base + "/");
  await page.getByTestId("bid-BTC-USD").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="conn"]')?.textContent === "quotes: live");
  await shot(page, "home");

  const email = `console-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill("correct horse battery");
  await page.getByTestId("signup").click();
  await page.getByTestId("who").filter({ hasText: email }).waitFor();
  // /ws/orders authenticated by the Sec-WebSocket-Protocol token (no token in the URL).
  await page.getByTestId("orders-live").filter({ hasText: "live" }).waitFor();
  await shot(page, "signed-up");

  await page.getByTestId("topup-amount").fill("100000.00");
  await page.getByTestId("topup-submit").click();
  await page.getByTestId("balance-USD").filter({ hasText: "100000.00" }).waitFor();
  await shot(page, "topped-up");

  const bid0 = await page.getByTestId("bid-BTC-USD").textContent();
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid="bid-BTC-USD"]')?.textContent !== b, bid0);
  const bid1 = await page.getByTestId("bid-BTC-USD").textContent();
  console.log(`     BTC-USD bid moved ${bid0} -> ${bid1}`);
  await shot(page, "quote-moved");

  // A limit buy 10% under the market rests in the book.
  const low = decimal((cents(bid1) * 9n) / 10n);
  await page.getByTestId("t-symbol").selectOption("BTC-USD");
  await page.getByTestId("t-type").selectOption("LIMIT");
  await page.getByTestId("t-price").fill(low);
  await page.getByTestId("t-qty").fill("0.01");
  await page.getByTestId("t-submit").click();
  await page.getByTestId("t-result").filter({ hasText: "NEW" }).waitFor();
  const open = page.getByTestId("open-order");
  await open.filter({ hasText: low }).waitFor();
  await shot(page, "limit-order-open");

  // Replace it: half the quantity (keeps its place in the queue).
  await open.filter({ hasText: low }).getByTestId("replace-order").click();
  await page.getByTestId("replace-qty").fill("0.005");
  await page.getByTestId("replace-submit").click();
  await open.filter({ hasText: "0.00500000" }).waitFor();
  await shot(page, "limit-order-replaced");

  await open.filter({ hasText: low }).getByTestId("cancel-order").click();
  await open.filter({ hasText: low }).waitFor({ state: "detached" });
  await page.getByTestId("closed-order").filter({ hasText: "CANCELED" }).first().waitFor();
  await shot(page, "limit-order-canceled");

  // A market buy fills against the house liquidity: a position and P&L appear.
  const pnlBefore = await page.getByTestId("pnl-unrealized").textContent();
  await page.getByTestId("t-type").selectOption("MARKET");
  await page.getByTestId("t-qty").fill("0.01");
  await page.getByTestId("t-submit").click();
  await page.getByTestId("t-result").filter({ hasText: "FILLED" }).waitFor();
  await page.getByTestId("position-BTC-USD").filter({ hasText: "0.01" }).waitFor();
  await page.waitForFunction(
    (p) => {
      const t = document.querySelector('[data-testid="pnl-unrealized"]')?.textContent;
      return t && t !== p;
    }, pnlBefore, { timeout: 30_000 });
  console.log(`     unrealized P&L ${pnlBefore} -> ${await page.getByTestId("pnl-unrealized").textContent()}`);
  await page.getByTestId("show-fills").first().click();
  await page.getByTestId("fills").filter({ hasText: "TAKER" }).waitFor();
  await shot(page, "market-order-position");

  // Errors are shown in plain words.
  await page.getByTestId("t-type").selectOption("LIMIT");
  await page.getByTestId("t-price").fill(low);
  await page.getByTestId("t-qty").fill("1000");
  await page.getByTestId("t-submit").click();
  await page.getByTestId("t-result").filter({ hasText: "Insufficient funds" }).waitFor();
  await shot(page, "insufficient-funds");

  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "phone");
  await page.setViewportSize({ width: 1280, height: 1000 });

  await page.getByTestId("logout").click();
  await page.getByTestId("signup").waitFor();
  await page.getByTestId("open-orders").waitFor({ state: "hidden" });
  await shot(page, "logged-out");

  // Hammering log in (console_e2e.sh sets a strict per-IP limit on /auth) ends in a plain
  // rate-limit note.
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill("wrong password!");
  // All at once, so the last one certainly finds the bucket empty (its answer is shown).
  await page.evaluate(() => {
    const b = document.querySelector('[data-testid="login"]');
    for (let i = 0; i < 30; i += 1) b.click();
  });
  await page.getByTestId("flash").filter({ hasText: "Rate limit reached" }).waitFor();
  await shot(page, "rate-limited");
  if (consoleErrors.length) throw new Error(`page errors: ${consoleErrors.join("; ")}`);
} catch (e) {
  failed = true;
  console.error(`FAIL ${e instanceof Error ? e.message : e}`);
  await page.screenshot({ path: join(out, "failure.png"), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
