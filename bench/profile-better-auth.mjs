#!/usr/bin/env node
// One Better Auth scenario on its own, started as the bench starts it (lib/peer-better-auth.mjs):
// req/s, latency, workerd CPU per request and CPU used per second of the phase (a saturated
// single-threaded worker uses ~1,000 ms/s; far less means its requests wait on something).
//   node bench/profile-better-auth.mjs token_mint|session_get|jwt_get|login [seconds] [connections]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "./lib/http.mjs";
import { runPhase } from "./lib/load.mjs";
import { BETTER_AUTH_SIDE, startBetterAuth } from "./lib/peer-better-auth.mjs";

const [scenario = "token_mint", seconds = "5", connections = "50"] = process.argv.slice(2);
const work = mkdtempSync(path.join(tmpdir(), "edge-auth-profile-ba-"));
const [username, password] = ["profile", "correct horse battery staple"];
const target = await startBetterAuth({ outdir: path.join(work, "build"), secret: "p".repeat(43), username, password });
try {
  const credentials = JSON.stringify(BETTER_AUTH_SIDE.credentials(username, password));
  const signIn = await request(`${target.url}${BETTER_AUTH_SIDE.login}`, { method: "POST", body: credentials });
  const scenarios = {
    ...(await BETTER_AUTH_SIDE.scenarios(target.url, BETTER_AUTH_SIDE.tokens(null, signIn.headers))),
    login: { url: target.url + BETTER_AUTH_SIDE.login, env: { BENCH_METHOD: "POST", BENCH_BODY: credentials } },
  };
  const phase = { ...scenarios[scenario], connections: Number(connections), seconds: Number(seconds), cpu: { worker: target.pids } };
  await runPhase({ ...phase, seconds: 1 }); // warm-up
  const r = await runPhase(phase);
  const busy = r.cpu_ms_per_request === null ? null : Math.round(r.cpu_ms_per_request * r.rps);
  console.log(JSON.stringify({ scenario, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors, cpu_ms_per_request: r.cpu_ms_per_request, cpu_ms_per_second: busy }));
} finally {
  await target.stop();
  rmSync(work, { recursive: true, force: true });
}
