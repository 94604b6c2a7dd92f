// The floor: what the runtime and the crypto cost with nothing of ours around them. Each route
// repeats one operation `n` times in one request; bench/lib/floors.mjs divides the workerd
// process's CPU time by n (in workerd Date.now() does not advance within a request, so the
// worker cannot time itself). Same bundle tooling, same runtime, same config as the service.
import { Hono } from "hono";
import { readConfig, type PasswordAlgorithm } from "../src/config";
import { hashPassword } from "../src/passwords/kdf";
import { signAccessToken, verifyAccessToken, type AccessClaims } from "../src/tokens/access-token";
import { loadKeyRing, type KeyRing } from "../src/tokens/signing-keys";

type Bindings = Record<string, string>;
interface StorageBindings {
  FLOOR_KV: KVNamespace;
  FLOOR_DB: D1Database;
  FLOOR_LIMITER: RateLimit;
}
const app = new Hono<{ Bindings: Bindings & StorageBindings }>();

const CLAIMS: AccessClaims = { sub: "00000000-0000-4000-8000-000000000000", sid: "floor", username: "floor", roles: [], ver: 0, client_id: "edge-auth" };
let ring: Promise<KeyRing> | undefined;

function keys(env: Bindings): Promise<KeyRing> {
  ring ??= loadKeyRing(readConfig(env)).then((r) => {
    if (Array.isArray(r)) throw new Error(r.join("; "));
    return r;
  });
  return ring;
}

/** Repetitions: n=0 is allowed (the request's own cost, subtracted by the caller). */
const count = (value: string | undefined) => {
  const n = Number(value ?? 1);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 10_000) : 1;
};
const settings = (env: Bindings) => {
  const { issuer, audience, accessTtl } = readConfig(env);
  return { issuer, audience, accessTtl };
};

app.get("/hello", (c) => c.json({ hello: "world" }));
// The cost of reading a small POST body at all, against the GET above (bench/profile-body.mjs):
// answered without reading it, read as text, read and parsed as JSON.
app.post("/hello", (c) => c.json({ hello: "world" }));
app.post("/hello/text", async (c) => c.json({ hello: (await c.req.raw.text()).length }));
app.post("/hello/json", async (c) => c.json({ hello: typeof (await c.req.raw.json()) }));
app.post("/hello/buffer", async (c) => c.json({ hello: (await c.req.raw.arrayBuffer()).byteLength }));
app.post("/hello/reader", async (c) => {
  // Reads until Content-Length bytes have arrived, without waiting for the end of the stream.
  const length = Number(c.req.header("Content-Length"));
  const reader = c.req.raw.body!.getReader();
  let size = 0;
  while (size < length) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
  }
  return c.json({ hello: size });
});

app.get("/floor/kdf", async (c) => {
  const algorithm = (c.req.query("algorithm") ?? "pbkdf2_sha512") as PasswordAlgorithm;
  const iterations = Number(c.req.query("iterations") ?? 100_000);
  const n = count(c.req.query("n"));
  for (let i = 0; i < n; i++) await hashPassword("correct horse battery staple", { algorithm, iterations });
  return c.json({ n, algorithm, iterations });
});

app.get("/floor/sign", async (c) => {
  const ring = await keys(c.env);
  const n = count(c.req.query("n"));
  const now = Math.floor(Date.now() / 1000);
  const tokenSettings = settings(c.env);
  for (let i = 0; i < n; i++) await signAccessToken(ring, tokenSettings, CLAIMS, now);
  return c.json({ n, alg: ring.active.alg });
});

app.get("/floor/verify", async (c) => {
  const ring = await keys(c.env);
  const n = count(c.req.query("n"));
  const now = Math.floor(Date.now() / 1000);
  const tokenSettings = settings(c.env);
  const token = await signAccessToken(ring, tokenSettings, CLAIMS, now);
  for (let i = 0; i < n; i++) await verifyAccessToken(ring, tokenSettings, token, now);
  return c.json({ n, alg: ring.active.alg });
});

// One storage call of each kind a refresh makes, shaped like ours: a session record of the same
// size put with a TTL and read back as JSON, a user row read by primary key, one limiter check.
const SESSION = JSON.stringify({ sid: "0".repeat(22), userId: CLAIMS.sub, clientId: "edge-auth", kind: "refresh", generation: 1, currentHash: "h".repeat(43), previousHash: "h".repeat(43), tokenVersion: 0, createdAt: 0, rotatedAt: 0, lastUsedAt: 0, expiresAt: 0, accessTtl: null });
const floorKey = (i: number) => `session:floor-${i % 64}`;

app.get("/floor/kv-put", async (c) => {
  const n = count(c.req.query("n"));
  for (let i = 0; i < n; i++) await c.env.FLOOR_KV.put(floorKey(i), SESSION, { expirationTtl: 3600 });
  return c.json({ n });
});

app.get("/floor/kv-get", async (c) => {
  const n = count(c.req.query("n"));
  await c.env.FLOOR_KV.put(floorKey(0), SESSION, { expirationTtl: 3600 });
  for (let i = 0; i < n; i++) await c.env.FLOOR_KV.get(floorKey(0), "json");
  return c.json({ n });
});

// A refresh's irreducible work as one request (issue 14's refresh floor: the JSON body read, the
// session read, the rotated session's write, one signature), loaded like the scenarios right
// before our refresh phases: the latency of a worker that does only that, the yardstick for our
// refresh's p99 (bench/lib/tail.mjs).
let rotation = 0;
app.post("/floor/refresh-work", async (c) => {
  await c.req.raw.json();
  const key = floorKey(rotation++);
  const [ring] = await Promise.all([keys(c.env), c.env.FLOOR_KV.get(key, "json")]);
  await c.env.FLOOR_KV.put(key, SESSION, { expirationTtl: 3600 });
  const token = await signAccessToken(ring, settings(c.env), CLAIMS, Math.floor(Date.now() / 1000));
  return c.json({ access_token: token });
});

app.get("/floor/d1-read", async (c) => {
  const n = count(c.req.query("n"));
  await c.env.FLOOR_DB.exec("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, username TEXT NOT NULL, roles TEXT NOT NULL)");
  await c.env.FLOOR_DB.prepare("INSERT OR IGNORE INTO users (id, username, roles) VALUES (?, 'floor', '[]')").bind(CLAIMS.sub).run();
  const read = c.env.FLOOR_DB.prepare("SELECT * FROM users WHERE id = ?").bind(CLAIMS.sub);
  for (let i = 0; i < n; i++) await read.first();
  return c.json({ n });
});

app.get("/floor/rate-limit", async (c) => {
  const n = count(c.req.query("n"));
  for (let i = 0; i < n; i++) await c.env.FLOOR_LIMITER.limit({ key: "refresh:127.0.0.1" });
  return c.json({ n });
});

export default app;
