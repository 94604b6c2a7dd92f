#!/usr/bin/env node
// The floor of reading a POST body in workerd, against a GET: the floor worker's hello route as a
// GET, as a POST answered without reading its body, read as text and read as JSON. The POST body
// and headers are the size of the introspection scenario's (a JWT in JSON, Basic credentials).
//   node bench/profile-body.mjs [seconds] [connections]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSigningKey, randomSecret } from "../scripts/keys.mjs";
import { buildBundle, startMiniflare } from "./lib/edge-miniflare.mjs";
import { runPhase } from "./lib/load.mjs";

const [seconds = "5", connections = "50"] = process.argv.slice(2);
const work = mkdtempSync(path.join(tmpdir(), "edge-auth-body-floor-"));
const key = generateSigningKey("RS256");
const vars = { ENVIRONMENT: "production", ISSUER: "http://127.0.0.1", AUDIENCE: "edge-auth-bench", SIGNING_KEYS: JSON.stringify({ keys: [key] }), ACTIVE_KID: key.kid, REFRESH_TOKEN_SECRET: randomSecret() };
const floor = await startMiniflare({ bundle: buildBundle(path.join(work, "build"), { config: "bench/floor.wrangler.toml" }), vars, persist: null, config: "bench/floor.wrangler.toml" });
const jwtSized = "x".repeat(620);
const post = { BENCH_METHOD: "POST", BENCH_BODY: JSON.stringify({ token: jwtSized }), BENCH_AUTHORIZATION: `Basic ${"y".repeat(100)}` };
const variants = [
  ["GET /hello", "/hello", { BENCH_METHOD: "GET", BENCH_AUTHORIZATION: `Bearer ${jwtSized}` }],
  ["POST /hello (body unread)", "/hello", post],
  ["POST /hello/text", "/hello/text", post],
  ["POST /hello/json", "/hello/json", post],
  ["POST /hello/buffer", "/hello/buffer", post],
  ["POST /hello/reader", "/hello/reader", post],
];
try {
  for (const [name, route, env] of variants) {
    const phase = { url: floor.url + route, connections: Number(connections), seconds: Number(seconds), cpu: { worker: floor.pids }, env };
    await runPhase({ ...phase, seconds: 1 });
    const r = await runPhase(phase);
    console.log(JSON.stringify({ variant: name, rps: r.rps, errors: r.errors, cpu_ms_per_request: r.cpu_ms_per_request }));
  }
} finally {
  await floor.stop();
  rmSync(work, { recursive: true, force: true });
}
