// A registration that meets a taken username or email answers 409 before it creates anything: no
// KV session written and revoked again (KV refuses a second write to one key within a second, so
// each 409 used to sleep a second and make about five KV writes). D1's UNIQUE indexes stay the
// final arbiter: a race loser, whose early check saw the name free, still gets 409 and leaves no
// account row and no live session.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { d1UserStore } from "../../src/storage/d1-users";
import { kvSessionStore } from "../../src/storage/kv-sessions";
import type { SessionStore, UserStore } from "../../src/storage/ports";
import { json, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const CONFLICT = "An account with this username or email already exists.";

/** The real KV session store, counting the writes each request makes. */
function countingSessions() {
  const real = kvSessionStore(env.AUTH_KV);
  const writes = { puts: 0, revokes: 0 };
  const store: SessionStore = {
    ...real,
    put: (session, ttl) => (writes.puts++, real.put(session, ttl)),
    revoke: (sid, ttl) => (writes.revokes++, real.revoke(sid, ttl)),
  };
  return { store, writes };
}

function appWith(users: UserStore = d1UserStore(env.DB)) {
  const sessions = countingSessions();
  const app = createApp({ stores: () => ({ users, sessions: sessions.store }) });
  return { writes: sessions.writes, request: (path: string, init?: RequestInit) => app.request(path, init, testEnv) };
}

const PATHS: [path: string, conflict: unknown][] = [
  ["/auth/register", { error: "conflict", error_description: CONFLICT }],
  ["/api/v1/auth/register", { error: "conflict", message: CONFLICT, code: 409 }],
  ["/api/auth/register", { detail: CONFLICT }],
];

describe("a registration that meets a taken identifier", () => {
  it.each(PATHS)("%s answers 409 without any KV write", async (path, conflict) => {
    const { request, writes } = appWith();
    const username = uniqueName("taken");
    expect((await request("/auth/register", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD }))).status).toBe(201);
    writes.puts = 0;

    for (const body of [
      { username: username.toUpperCase(), password: STRONG_PASSWORD }, // the username, in another case
      { username: uniqueName("other"), email: `${username}@example.com`, password: STRONG_PASSWORD }, // the email
      { username: `${username}@example.com`, email: `${username}@example.com`, password: STRONG_PASSWORD }, // the email as a username
    ]) {
      const response = await request(path, json(body));
      expect([response.status, await response.json(), response.headers.get("Cache-Control")]).toEqual([409, conflict, "no-store"]);
    }
    expect(writes).toEqual({ puts: 0, revokes: 0 });
  });

  it("lets D1 decide a race: the loser gets 409, no account row and no live session", async () => {
    const real = d1UserStore(env.DB);
    // The early check saw the name free; the winner committed before the loser's batch.
    const { request, writes } = appWith({ ...real, findByIdentifier: async () => null });
    const username = uniqueName("race");
    expect((await request("/auth/register", json({ username, password: STRONG_PASSWORD }))).status).toBe(201);

    const loser = await request("/auth/register", json({ username: username.toUpperCase(), password: STRONG_PASSWORD }));
    expect([loser.status, await loser.json()]).toEqual([409, { error: "conflict", error_description: CONFLICT }]);
    expect(writes).toEqual({ puts: 2, revokes: 1 });
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE username_normalized = ?").bind(username.toLowerCase()).first<{ n: number }>();
    expect(rows?.n).toBe(1);
    const sessions = await env.AUTH_KV.list({ prefix: "session:" });
    const live = await Promise.all(sessions.keys.map(async ({ name }) => JSON.parse((await env.AUTH_KV.get(name))!) as { userId: string }));
    const ids = (await env.DB.prepare("SELECT id FROM users").all<{ id: string }>()).results.map((r) => r.id);
    expect(live.filter((s) => !ids.includes(s.userId))).toEqual([]);
  });
});
