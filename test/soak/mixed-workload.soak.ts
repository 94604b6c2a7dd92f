// Bounded load/soak on loopback: virtual clients run a mixed login / me / refresh / logout
// workload, with password guessing against other accounts mixed in, against the real worker for a fixed time (SOAK_SECONDS, default 20; SOAK_CLIENTS,
// default 4; SOAK_USERS, default 40). It reports requests and answers by status, then checks that
// every session created is either live (me and refresh work) or revoked (both refused).
// The bar: zero 5xx and zero sessions in any other state.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "../e2e/worker";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 4);
const USERS = Number(process.env.SOAK_USERS ?? 40);
const PASSWORD = "correct horse battery staple";

type Action = "login" | "me" | "refresh" | "logout" | "guess";
interface Session { owner: number; ip: string; access: string; refresh: string; state: "live" | "revoked" }

let worker: RunningWorker;
const users: { username: string; ip: string }[] = [];
beforeAll(async () => {
  worker = await startWorker();
  for (let i = 0; i < USERS; i++) {
    const user = { username: `soak${i}${crypto.randomUUID().slice(0, 6)}`, ip: `198.51.100.${i % 250}` };
    const response = await call(user.ip, "POST", "/auth/register", { username: user.username, password: PASSWORD });
    if (response.status !== 201) throw new Error(`register ${response.status}`);
    users.push(user);
  }
  for (const username of TARGETS.slice(0, 2)) expect((await call("198.51.100.251", "POST", "/auth/register", { username, password: PASSWORD })).status).toBe(201);
});
afterAll(async () => worker?.stop());

function call(ip: string, method: string, path: string, body?: unknown, token?: string) {
  return fetch(`${worker.url}${path}`, {
    method,
    headers: { "CF-Connecting-IP": ip, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const counts = new Map<string, number>();
const count = (action: Action | "check", status: number) => counts.set(`${action} ${status}`, (counts.get(`${action} ${status}`) ?? 0) + 1);
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
const WEIGHTS: [Action, number][] = [["login", 2], ["me", 5], ["refresh", 3], ["logout", 1], ["guess", 1]];
// Guessing targets two real accounts no virtual client logs into (so lockout never refuses the
// workload's users) and one identifier with no account.
const TARGETS = [`victima${crypto.randomUUID().slice(0, 6)}`, `victimb${crypto.randomUUID().slice(0, 6)}`, "nosuchuser"];
function nextAction(): Action {
  let r = Math.random() * WEIGHTS.reduce((a, [, w]) => a + w, 0);
  for (const [action, weight] of WEIGHTS) if ((r -= weight) < 0) return action;
  return "me";
}

/** One virtual client: owns its sessions, so no session is ever redeemed by two clients at once. */
async function client(id: number, deadline: number, sessions: Session[]) {
  const mine = users.filter((_, i) => i % CLIENTS === id);
  while (Date.now() < deadline) {
    const live = sessions.filter((s) => s.owner === id && s.state === "live");
    const action = live.length === 0 ? "login" : nextAction();
    if (action === "login") {
      const user = pick(mine);
      const response = await call(user.ip, "POST", "/auth/login", { username: user.username, password: PASSWORD });
      count(action, response.status);
      if (response.status === 200) {
        const body = (await response.json()) as { access_token: string; refresh_token: string };
        sessions.push({ owner: id, ip: user.ip, access: body.access_token, refresh: body.refresh_token, state: "live" });
      } else await response.body?.cancel();
      continue;
    }
    if (action === "guess") {
      const response = await call(`192.0.2.${id}`, "POST", "/auth/login", { username: pick(TARGETS), password: `guess-${Math.random()}` });
      count(action, response.status);
      await response.body?.cancel();
      continue;
    }
    const session = pick(live);
    if (action === "me") {
      const response = await call(session.ip, "GET", "/auth/me", undefined, session.access);
      count(action, response.status);
      await response.body?.cancel();
    } else if (action === "refresh") {
      const response = await call(session.ip, "POST", "/auth/refresh", { refresh_token: session.refresh });
      count(action, response.status);
      if (response.status === 200) {
        const body = (await response.json()) as { access_token: string; refresh_token: string };
        Object.assign(session, { access: body.access_token, refresh: body.refresh_token });
      } else await response.body?.cancel();
    } else {
      const response = await call(session.ip, "POST", "/auth/logout", {}, session.access);
      count(action, response.status);
      if (response.status === 204) session.state = "revoked";
    }
  }
}

it(`holds a ${SECONDS}s mixed workload with zero 5xx and every session live or revoked`, async () => {
  const sessions: Session[] = [];
  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id, started + SECONDS * 1000, sessions)));
  const elapsed = (Date.now() - started) / 1000;

  let inconsistent = 0;
  for (const s of sessions) {
    const me = await call(s.ip, "GET", "/auth/me", undefined, s.access);
    const refresh = await call(s.ip, "POST", "/auth/refresh", { refresh_token: s.refresh });
    count("check", me.status);
    const expected = s.state === "live" ? [200, 200] : [401, 401];
    if (me.status !== expected[0] || refresh.status !== expected[1]) inconsistent += 1;
    await me.body?.cancel();
    await refresh.body?.cancel();
  }

  const total = [...counts].filter(([k]) => !k.startsWith("check")).reduce((a, [, n]) => a + n, 0);
  const serverErrors = [...counts].filter(([k]) => Number(k.split(" ")[1]) >= 500).reduce((a, [, n]) => a + n, 0);
  console.log(
    [
      `soak: ${total} requests in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(1)}/s), ${CLIENTS} clients, ${USERS} users`,
      `answers: ${JSON.stringify(Object.fromEntries([...counts].sort()))}`,
      `sessions: ${sessions.length} created, ${sessions.filter((s) => s.state === "live").length} live, ${sessions.filter((s) => s.state === "revoked").length} revoked, ${inconsistent} in any other state`,
      `5xx: ${serverErrors}`,
    ].join("\n"),
  );
  expect(serverErrors).toBe(0);
  expect([...counts.keys()].filter((k) => k.startsWith("guess") && !["guess 401", "guess 429"].includes(k))).toEqual([]);
  expect(inconsistent).toBe(0);
  expect(sessions.length).toBeGreaterThan(0);
});
