// The public API (../../shared/API.md) from the browser. Tokens live in memory only (never in
// storage, never in a URL): a reload means logging in again. The access token is refreshed a
// little before it expires, and once more on a 401.

export interface ApiErrorBody {
  code: string;
  message: string;
  request_id?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

export interface User {
  id: string;
  email: string;
}

interface Session {
  token: string;
  refresh_token: string;
  user: User;
}

let session: Session | null = null;
let refreshTimer: number | undefined;
let refreshing: Promise<boolean> | null = null;
const listeners: Array<(user: User | null) => void> = [];

export function onSessionChange(fn: (user: User | null) => void): void {
  listeners.push(fn);
}

export function currentUser(): User | null {
  return session?.user ?? null;
}

export function accessToken(): string | null {
  return session?.token ?? null;
}

// Seconds until the JWT's exp (the payload is readable; the server checks the signature).
function secondsLeft(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.exp === "number" ? payload.exp - Date.now() / 1000 : 60;
  } catch {
    return 60;
  }
}

function setSession(s: Session | null): void {
  const changedUser = (session?.user.id ?? null) !== (s?.user.id ?? null);
  session = s;
  window.clearTimeout(refreshTimer);
  if (s) {
    const wait = Math.max(5, secondsLeft(s.token) - 30);
    refreshTimer = window.setTimeout(() => void refresh(), wait * 1000);
  }
  if (changedUser) for (const fn of listeners) fn(s?.user ?? null);
}

// A random Idempotency-Key (crypto.randomUUID needs a secure context; this does not).
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function toError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || "request failed";
  try {
    const body = (await res.json()) as { error?: ApiErrorBody };
    if (body.error) {
      code = body.error.code;
      message = body.error.message;
    }
  } catch {
    /* not JSON: keep the status line */
  }
  const ra = res.headers.get("Retry-After");
  return new ApiError(res.status, code, message, ra ? Number(ra) : null);
}

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (session) h["Authorization"] = `Bearer ${session.token}`;
  return fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res = await send(method, path, body, headers);
  if (res.status === 401 && session && (await refresh())) {
    res = await send(method, path, body, headers);
  }
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}

export async function signup(email: string, password: string): Promise<void> {
  setSession(await call<Session>("POST", "/auth/signup", { email, password }));
}

export async function login(email: string, password: string): Promise<void> {
  setSession(await call<Session>("POST", "/auth/login", { email, password }));
}

export async function logout(): Promise<void> {
  const s = session;
  setSession(null);
  if (s) {
    try {
      await fetch("/auth/logout", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: s.refresh_token }),
      });
    } catch {
      /* logged out locally either way */
    }
  }
}

// One refresh at a time; false (and logged out) when the refresh token is no longer good.
export function refresh(): Promise<boolean> {
  if (!session) return Promise.resolve(false);
  if (!refreshing) {
    const rt = session.refresh_token;
    refreshing = (async () => {
      try {
        const res = await fetch("/auth/refresh", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: rt }),
        });
        if (res.status === 401) {
          setSession(null);
          return false;
        }
        if (!res.ok) return false;  // e.g. rate limited: keep the session, try again later
        setSession((await res.json()) as Session);
        return true;
      } catch {
        return false;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

// Plain words for the errors a trader meets most.
export function explain(e: unknown): string {
  if (e instanceof ApiError) {
    switch (e.code) {
      case "INSUFFICIENT_FUNDS":
        return "Insufficient funds: top up or lower the quantity (nothing was held).";
      case "RATE_LIMIT":
        return `Rate limit reached: wait ${e.retryAfter ?? 1} s and try again.`;
      case "UNAUTHORIZED":
        return `Not logged in or wrong credentials: ${e.message}`;
      case "EMAIL_TAKEN":
        return "This email already has an account: log in instead.";
      case "SERVICE_UNAVAILABLE":
        return `Service busy, try again in ${e.retryAfter ?? 1} s (${e.message}).`;
      default:
        return `${e.code}: ${e.message}`;
    }
  }
  return e instanceof Error ? `Network error: ${e.message}` : String(e);
}
