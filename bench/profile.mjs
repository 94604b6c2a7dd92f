#!/usr/bin/env node
// Ablation helper used to find where the CPU goes: builds the current src/, starts it in workerd
// through Miniflare and runs one scenario, printing req/s and workerd CPU ms per request.
//   node bench/profile.mjs me|refresh|login|jwks|introspect [seconds] [connections]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSigningKey, randomSecret } from "../scripts/keys.mjs";
import { applyMigrations, buildBundle, startMiniflare } from "./lib/edge-miniflare.mjs";
import { request } from "./lib/http.mjs";
import { runPhase } from "./lib/load.mjs";
import { refreshChains } from "./lib/scenarios.mjs";

const [scenario = "me", seconds = "5", connections = "50"] = process.argv.slice(2);
const work = mkdtempSync(path.join(tmpdir(), "edge-auth-profile-"));
const key = generateSigningKey("RS256");
const vars = { ENVIRONMENT: "production", ISSUER: "http://127.0.0.1", AUDIENCE: "edge-auth-bench", SIGNING_KEYS: JSON.stringify({ keys: [key] }), ACTIVE_KID: key.kid, REFRESH_TOKEN_SECRET: randomSecret(), JWT_EXPIRATION: "3600" };
const target = await startMiniflare({ bundle: buildBundle(path.join(work, "build")), vars, persist: process.env.BENCH_PERSIST === "memory" ? null : work });
try {
  await applyMigrations(target.mf);
  const credentials = JSON.stringify({ username: "profile", password: "correct horse battery staple" });
  await request(`${target.url}/auth/register`, { method: "POST", body: JSON.stringify({ username: "profile", password: "correct horse battery staple" }) });
  const login = async () => JSON.parse((await request(`${target.url}/auth/login`, { method: "POST", body: credentials })).text);
  const conns = Number(connections);
  const phase = { connections: conns, seconds: Number(seconds), cpu: { worker: target.pids } };
  if (scenario === "refresh") {
    const file = path.join(work, "tokens.txt");
    const tokens = [];
    for (let i = 0; i < refreshChains(conns); i++) tokens.push((await login()).refresh_token);
    writeFileSync(file, tokens.join("\n") + "\n");
    Object.assign(phase, { url: `${target.url}/auth/refresh`, script: "refresh-chain", env: { BENCH_TOKENS: file, BENCH_BODY_TEMPLATE: '{"refresh_token":"%s"}', BENCH_TOKEN_FIELD: "refresh_token" } });
  } else if (scenario === "login") {
    Object.assign(phase, { url: `${target.url}/auth/login`, env: { BENCH_METHOD: "POST", BENCH_BODY: credentials } });
  } else if (scenario === "me") {
    Object.assign(phase, { url: `${target.url}/auth/me`, env: { BENCH_METHOD: "GET", BENCH_AUTHORIZATION: `Bearer ${(await login()).access_token}` } });
  } else if (scenario === "introspect") {
    // A service client made as an operator would: the user made admin in D1, then the admin API.
    const session = await login();
    const db = await target.mf.getD1Database("DB");
    await db.prepare(`UPDATE users SET roles = '["admin"]' WHERE username_normalized = 'profile'`).run();
    const made = await request(`${target.url}/admin/clients`, { method: "POST", headers: { Authorization: `Bearer ${session.access_token}` }, body: JSON.stringify({ name: "profile", scopes: [] }) });
    const client = JSON.parse(made.text);
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`;
    Object.assign(phase, { url: `${target.url}/oauth/introspect`, env: { BENCH_METHOD: "POST", BENCH_BODY: JSON.stringify({ token: session.access_token }), BENCH_AUTHORIZATION: basic } });
  } else {
    Object.assign(phase, { url: `${target.url}/.well-known/jwks.json`, env: { BENCH_METHOD: "GET" } });
  }
  if (scenario !== "refresh") await runPhase({ ...phase, seconds: 1 }); // warm-up
  const result = await runPhase(phase);
  console.log(JSON.stringify({ scenario, rps: result.rps, p50_ms: result.p50_ms, p99_ms: result.p99_ms, errors: result.errors, error_kinds: result.error_kinds, cpu_ms_per_request: result.cpu_ms_per_request }));
} finally {
  await target.stop();
  rmSync(work, { recursive: true, force: true });
}
