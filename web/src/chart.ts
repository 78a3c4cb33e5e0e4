// The candlestick chart: history from GET /api/candles, then the open candle moved by every
// /ws/quotes message (its mid price folded in exactly as the Quotes service does), and a new
// candle started when a quote falls into the next interval. The chart library draws numbers;
// prices are converted only for drawing, the sums stay exact (money.ts).
import { CandlestickSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { call } from "./api";
import { fromMinor, midCents, toMinor } from "./money";

interface CandleJson {
  t: number;
  open: string;
  high: string;
  low: string;
  close: string;
}

interface Bar {
  t: number;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
}

const seconds: Record<string, number> = { "1m": 60, "5m": 300, "1h": 3600 };

export class CandleChart {
  private chart: IChartApi;
  private series: ISeriesApi<"Candlestick">;
  private last: Bar | null = null;
  private symbol = "";
  private interval = "1m";
  private loadSeq = 0;

  constructor(el: HTMLElement) {
    this.chart = createChart(el, {
      autoSize: true,
      layout: { background: { color: "#111827" }, textColor: "#d1d5db" },
      grid: { vertLines: { color: "#1f2937" }, horzLines: { color: "#1f2937" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: "#16a34a",
      downColor: "#dc2626",
      borderVisible: false,
      wickUpColor: "#16a34a",
      wickDownColor: "#dc2626",
    });
  }

  private draw(b: Bar): void {
    this.series.update({
      time: b.t as UTCTimestamp,
      open: Number(fromMinor(b.open, 2)),
      high: Number(fromMinor(b.high, 2)),
      low: Number(fromMinor(b.low, 2)),
      close: Number(fromMinor(b.close, 2)),
    });
  }

  async show(symbol: string, interval: string): Promise<void> {
    this.symbol = symbol;
    this.interval = interval;
    const seq = ++this.loadSeq;
    const q = new URLSearchParams({ symbol, interval, limit: "300" });
    const res = await call<{ candles: CandleJson[] }>("GET", `/api/candles?${q}`);
    if (seq !== this.loadSeq) return;  // another symbol or interval was chosen meanwhile
    const bars: Bar[] = res.candles.map((c) => ({
      t: c.t,
      open: toMinor(c.open, 2),
      high: toMinor(c.high, 2),
      low: toMinor(c.low, 2),
      close: toMinor(c.close, 2),
    }));
    this.series.setData(
      bars.map((b) => ({
        time: b.t as UTCTimestamp,
        open: Number(fromMinor(b.open, 2)),
        high: Number(fromMinor(b.high, 2)),
        low: Number(fromMinor(b.low, 2)),
        close: Number(fromMinor(b.close, 2)),
      })),
    );
    this.last = bars.length ? bars[bars.length - 1] : null;
    this.chart.timeScale().scrollToRealTime();
  }

  // A live quote of any symbol; only the shown one moves the chart.
  onQuote(symbol: string, bid: string, ask: string, ts: string): void {
    if (symbol !== this.symbol) return;
    const len = seconds[this.interval];
    const unix = Math.floor(Date.parse(ts) / 1000);
    if (!Number.isFinite(unix)) return;
    const start = unix - (unix % len);
    const mid = midCents(bid, ask);
    const b = this.last;
    if (b && start < b.t) return;  // late: that candle is closed
    if (!b || start > b.t) {
      this.last = { t: start, open: mid, high: mid, low: mid, close: mid };
    } else {
      if (mid > b.high) b.high = mid;
      if (mid < b.low) b.low = mid;
      b.close = mid;
    }
    this.draw(this.last!);
  }
}
