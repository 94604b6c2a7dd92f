// The refresh throttles against the real Rate Limiting bindings of local workerd (the worker as
// `npm start` starts it): many sessions behind one address are not one client; one session is.
// Local bindings count in fixed wall-clock windows, so a window may turn over during a test: the
// assertions allow for that (at least the limit, then a 429), never for a 5xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "./worker";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.stop());

const SHARED_ADDRESS = "198.51.100.20";
const RATE_LIMITED = { error: "rate_limited", error_description: "Too many requests. Try again later." };

const post = (path: string, body: unknown, ip: string) =>
  fetch(`${worker.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip }, body: JSON.stringify(body) });
const refresh = (refresh_token: string, ip = SHARED_ADDRESS) => post("/auth/refresh", { refresh_token }, ip);

async function refreshed(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; refresh_token: string; token_type: string };
  expect(body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer" });
  return body.refresh_token;
}

/** Sessions registered from their own addresses; only the refreshes share one. */
async function sessions(count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const username = `thr${crypto.randomUUID().slice(0, 12)}`;
    const response = await post("/auth/register", { username, password: "a long enough passphrase" }, `192.0.2.${(i % 250) + 1}`);
    expect(response.status).toBe(201);
    tokens.push(((await response.json()) as { refresh_token: string }).refresh_token);
  }
  return tokens;
}

describe("refresh throttles on the real bindings", () => {
  it("lets one address refresh 50 sessions 200 times without a 429", async () => {
    const tokens = await sessions(50);
    for (let i = 0; i < 200; i++) tokens[i % 50] = await refreshed(await refresh(tokens[i % 50]!));
  });

  it("lets 20 concurrent redemptions of one token through, all 200 with one successor", async () => {
    const [token] = await sessions(1);
    const successors = await Promise.all(Array.from({ length: 20 }, async () => refreshed(await refresh(token!))));
    expect(new Set(successors).size).toBe(1);
  });
  // 50 at once from 50 addresses: test/e2e/attacks.test.ts ("concurrent redemptions").

  it("refuses one session that hammers refresh with 429 rate_limited and Retry-After, from any address", async () => {
    let [token] = await sessions(1);
    let accepted = 0;
    let refusal: Response | undefined;
    // REFRESH_SESSION_LIMITER allows 60 a minute; two windows at most before the refusal.
    for (let i = 0; i < 121 && !refusal; i++) {
      const response = await refresh(token!, `203.0.113.${(i % 250) + 1}`);
      if (response.status === 429) refusal = response;
      else [token, accepted] = [await refreshed(response), accepted + 1];
    }
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect([refusal?.status, refusal?.headers.get("Retry-After"), await refusal?.json()]).toEqual([429, "60", RATE_LIMITED]);
  });
});
