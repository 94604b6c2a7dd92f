#!/usr/bin/env node
// `npm run bench [-- --quick | --smoke] [--out DIR]`: edge-auth side by side with Django
// SimpleJWT and with the crypto floor, in one run on one machine. See bench/README.md.
//   full    10 s phases at 1 connection, 15 s at 50, warm-ups: the recorded run (~10 minutes)
//   --quick 2–3 s phases, no warm-up (under 2 minutes)
//   --smoke 1–2 s phases: every field, no meaningful numbers (a fast check while editing bench/)
//   --alg ES256|EdDSA  sign with another algorithm than the default RS256
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDebianPackages } from "../scripts/system-deps.mjs";
import { generateSigningKey, randomSecret } from "../scripts/keys.mjs";
import { applyMigrations, buildBundle, configVars, root, startMiniflare } from "./lib/edge-miniflare.mjs";
import { startWranglerDev } from "./lib/edge-wrangler-dev.mjs";
import { measureCryptoFloors } from "./lib/floors.mjs";
import { request } from "./lib/http.mjs";
import { runPhase } from "./lib/load.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { BENCH_PACKAGES, peerVersions, startPeer } from "./lib/peer-simplejwt.mjs";
import { ensureBetterAuthInstalled, runBetterAuth, runBetterAuthWranglerDev } from "./lib/peer-better-auth.mjs";
import { computeRatios } from "./lib/ratios.mjs";
import { renderMarkdown } from "./lib/report.mjs";
import { renderSvg } from "./lib/plot.mjs";
import { runScenarios, SIDES } from "./lib/scenarios.mjs";
import { measureHelloTail, tailTable } from "./lib/tail.mjs";
import { measureBodyFloor } from "./lib/body-floor.mjs";
import { measureStartup, startupRatios } from "./lib/startup.mjs";

const MODES = {
  full: { durations: { c1: 10, c50: 15 }, warmup: 3, reps: { kdf: 30, crypto: 2000 }, peerKdfRounds: 20 },
  quick: { durations: { c1: 2, c50: 3 }, warmup: 0, reps: { kdf: 10, crypto: 500 }, peerKdfRounds: 5 },
  smoke: { durations: { c1: 1, c50: 2 }, warmup: 0, reps: { kdf: 2, crypto: 20 }, peerKdfRounds: 1 },
};
const CONNECTIONS = { c1: 1, c50: 50 };
const USERNAME = "benchuser";
const PASSWORD = "correct horse battery staple";

const args = process.argv.slice(2);
const modeName = args.includes("--smoke") ? "smoke" : args.includes("--quick") ? "quick" : "full";
const mode = MODES[modeName];
const outIndex = args.indexOf("--out");
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, "bench/results", stamp);
const log = (message) => console.log(`bench: ${message}`);

// The tools both sides are measured with; installed with apt when missing (and said so).
ensureDebianPackages(BENCH_PACKAGES);
// The second peer's npm packages, in bench/better-auth/ only (npm ci there when missing).
ensureBetterAuthInstalled(log);

const work = mkdtempSync(path.join(tmpdir(), "edge-auth-bench-"));
const cleanups = [];
process.on("SIGINT", async () => {
  for (const stop of cleanups.reverse()) await stop().catch(() => {});
  process.exit(130);
});

// Same configuration for both edge targets: the service's defaults (wrangler.toml), fresh keys,
// and an access lifetime that outlasts the run so one bearer token serves every GET phase.
const algIndex = args.indexOf("--alg");
const algorithm = algIndex >= 0 ? args[algIndex + 1] : "RS256";
const key = generateSigningKey(algorithm);
const vars = {
  JWT_ALGORITHM: algorithm,
  ENVIRONMENT: "production",
  ISSUER: "http://127.0.0.1",
  AUDIENCE: "edge-auth-bench",
  SIGNING_KEYS: JSON.stringify({ keys: [key] }),
  ACTIVE_KID: key.kid,
  REFRESH_TOKEN_SECRET: randomSecret(),
  JWT_EXPIRATION: "3600",
};

async function started(promise) {
  const target = await promise;
  cleanups.push(target.stop);
  return target;
}

async function stopped(target) {
  await target.stop();
  cleanups.splice(cleanups.indexOf(target.stop), 1);
}

async function registerBenchUser(url) {
  const body = JSON.stringify({ username: USERNAME, email: `${USERNAME}@example.com`, password: PASSWORD });
  const { status, text } = await request(`${url}/auth/register`, { method: "POST", body });
  if (status !== 201) throw new Error(`register: ${status} ${text}`);
  return JSON.parse(text);
}

/**
 * A service client for the introspection scenario, created as an operator would: the bench user
 * is made admin (`grantAdmin`, in that side's D1), then POST /admin/clients.
 */
async function benchClient(url, registered, grantAdmin) {
  await grantAdmin(registered.user.id);
  const { status, text } = await request(`${url}/admin/clients`, {
    method: "POST",
    headers: { Authorization: `Bearer ${registered.access_token}` },
    body: JSON.stringify({ name: "bench-gateway", scopes: [] }),
  });
  if (status !== 201) throw new Error(`client: ${status} ${text}`);
  return JSON.parse(text);
}

async function main() {
  const machine = machineInfo();
  log(`${modeName} run on ${machine.cpu_model} (${machine.cpus} cores), load ${machine.loadavg_before.join(" ")}; results in ${outDir}`);
  const scenarioOptions = { username: USERNAME, password: PASSWORD, durations: mode.durations, connections: CONNECTIONS, warmup: mode.warmup, workdir: work };

  log("building the service and the floor worker with wrangler deploy --dry-run");
  const bundle = buildBundle(path.join(work, "build-service"));
  const floorBundle = buildBundle(path.join(work, "build-floor"), { config: "bench/floor.wrangler.toml" });
  log("bundle size and cold start: ours, hello-world Hono and the bare runtime, a fresh workerd per sample");
  const startup = await measureStartup({ work, bundle, vars, mode: modeName });

  log("floors in workerd: PBKDF2, sign, verify, hello-world Hono");
  // The floor worker gets the service's configuration: same algorithm, same keys, same KDF.
  const bindings = { ...configVars(), ...vars };
  const floor = await started(startMiniflare({ bundle: floorBundle, vars: bindings, persist: null, config: "bench/floor.wrangler.toml" }));
  const password = { algorithm: bindings.PASSWORD_HASH ?? "pbkdf2_sha512", iterations: Number(bindings.PASSWORD_ITERATIONS || 100_000) };
  const floors = await measureCryptoFloors({ url: floor.url, pids: floor.pids, password, reps: mode.reps });
  // Under load, like the scenarios: a hello-world route here, and one configured hash per request
  // right before each of our login phases (below), at the same concurrency: CPU time per hash
  // moves with what else runs on this shared machine, so the login's floor is measured next to it.
  floors.hello = {};
  if (mode.warmup) await runPhase({ url: `${floor.url}/hello`, connections: 2, seconds: mode.warmup, cpu: { worker: floor.pids } });
  for (const [label, conns] of Object.entries(CONNECTIONS)) {
    floors.hello[label] = await runPhase({ url: `${floor.url}/hello`, connections: conns, seconds: mode.durations[label], cpu: { worker: floor.pids } });
  }
  // The same work as a login (one hash) and as a refresh (the body, the session read and write, one
  // signature) with nothing else, right before each of our phases at the same load: the yardstick
  // for their p99 (lib/tail.mjs), since their own service time is hundreds of hello-worlds'.
  floors.kdf_under_load = {};
  floors.refresh_work_under_load = {};
  const kdfRoute = `${floor.url}/floor/kdf?algorithm=${password.algorithm}&iterations=${password.iterations}&n=1`;
  const refreshWork = { url: `${floor.url}/floor/refresh-work`, env: { BENCH_METHOD: "POST", BENCH_BODY: JSON.stringify({ refresh_token: "x".repeat(120) }) } };
  const floorsBefore = {
    login: async (label, connections, seconds) => (floors.kdf_under_load[label] = await runPhase({ url: kdfRoute, connections, seconds, cpu: { worker: floor.pids } })),
    refresh: async (label, connections, seconds) => (floors.refresh_work_under_load[label] = await runPhase({ ...refreshWork, connections, seconds, cpu: { worker: floor.pids } })),
  };

  log("hello-world Hono Worker, started as ours: the runtime's own tail under the same load");
  const hello = await measureHelloTail({ outdir: path.join(work, "build-hello"), durations: mode.durations, connections: CONNECTIONS, warmup: mode.warmup, started, stopped });

  // In-memory D1/KV: production storage is not on the worker's disk, and the local disk-backed
  // emulation stalls on file writes (bench/README.md). CPU of the emulation still counts.
  const service = await started(startMiniflare({ bundle, vars, persist: null }));
  log(`ours, primary: the bundle in workerd through Miniflare (${service.url})`);
  await applyMigrations(service.mf);
  const db = await service.mf.getD1Database("DB");
  const registered = await registerBenchUser(service.url);
  const client = await benchClient(service.url, registered, (id) => db.prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?`).bind(id).run());
  const ours = await runScenarios({ ...scenarioOptions, floorsBefore, client, side: SIDES.ours, target: { url: service.url, cpu: { worker: service.pids } } });
  // The introspection's body, read by the floor worker's hello route: the runtime's share of it.
  floors.hello_post_json = await measureBodyFloor({ floor, token: registered.access_token, client, durations: mode.durations, connections: { c50: CONNECTIONS.c50 } });
  await stopped(service);

  // Ours again with PASSWORD_HASH=pbkdf2_sha256 (login only, 1 connection): the Better Auth goal
  // names both of our hashers.
  const sha256Service = await started(startMiniflare({ bundle, vars: { ...vars, PASSWORD_HASH: "pbkdf2_sha256" }, persist: null }));
  await applyMigrations(sha256Service.mf);
  await registerBenchUser(sha256Service.url);
  const oursSha256 = await runScenarios({ ...scenarioOptions, only: ["login"], connections: { c1: 1 }, side: SIDES.ours, target: { url: sha256Service.url, cpu: { worker: sha256Service.pids } } });
  await stopped(sha256Service);
  await stopped(floor);

  log("second peer: Better Auth in workerd through Miniflare (in-memory D1)");
  // Its login at 50 connections only in the recorded run: ~50 scrypt hashes pass before the first
  // answer, longer than a short phase on this shared machine (an empty phase has no figures), and
  // no goal uses it (login CPU is compared at 1 connection).
  const betterAuthLogin = modeName === "full" ? CONNECTIONS : { c1: 1 };
  const betterAuth = await runBetterAuth({ scenarioOptions: { ...scenarioOptions, loginConnections: betterAuthLogin }, outdir: path.join(work, "build-better-auth"), started, stopped });

  // Ours and the second peer as `wrangler dev` runs them (how issue 14 first measured both): in the
  // recorded run only. --quick runs inside npm test, which must stay short; the goals use the
  // primary targets above, and every end-to-end test already runs the worker under wrangler dev.
  let oursDev;
  if (modeName !== "quick") {
    log("ours, secondary: as `npm start` runs it (wrangler dev)");
    const devPersist = path.join(work, "wrangler-dev");
    const dev = await started(startWranglerDev({ vars, persist: devPersist }));
    const grantByCli = async () => {
      const run = spawnSync(process.execPath, ["scripts/admin.mjs", "grant", USERNAME, "admin", "--persist-to", devPersist], { cwd: root, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`admin grant: ${run.stderr}`);
    };
    const devClient = await benchClient(dev.url, await registerBenchUser(dev.url), grantByCli);
    oursDev = await runScenarios({ ...scenarioOptions, client: devClient, side: SIDES.ours, target: { url: dev.url, cpu: { worker: dev.pids.workerd, wrangler_node: dev.pids.wrangler_node } } });
    await stopped(dev);
  }
  let betterAuthDev;
  if (modeName !== "quick") {
    log("second peer as `wrangler dev` runs it");
    betterAuthDev = await runBetterAuthWranglerDev({ scenarioOptions: { ...scenarioOptions, loginConnections: betterAuthLogin }, persist: path.join(work, "better-auth-dev"), started, stopped });
  }

  log("peer: Django + DRF + SimpleJWT under gunicorn (2 sync workers), SQLite");
  // The peer's SQLite on tmpfs when there is one: like ours, its storage is measured without disk.
  const peerDir = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/edge-auth-bench-peer-") : path.join(work, "peer");
  cleanups.push(async () => rmSync(peerDir, { recursive: true, force: true }));
  const peer = await started(startPeer({ persist: peerDir, username: USERNAME, password: PASSWORD, kdfRounds: mode.peerKdfRounds }));
  const peerResults = await runScenarios({ ...scenarioOptions, side: SIDES.peer, target: { url: peer.url, cpu: { worker: peer.pids } } });
  await stopped(peer);

  const results = {
    schema: 1,
    mode: modeName,
    started_at: machine.started_at,
    finished_at: new Date().toISOString(),
    machine: { ...machine, loadavg_after: machineInfo().loadavg_before },
    load_generator: machine.wrk,
    phase_seconds: mode.durations,
    connections: CONNECTIONS,
    sides: {
      ours: {
        runtime: "workerd through Miniflare's API (production bundle on a socket straight to the worker: no dev proxy, no Miniflare entry worker; in-memory D1/KV)",
        signing: `${bindings.JWT_ALGORITHM} (WebCrypto via jose)`,
        kdf: `${password.algorithm} (${password.iterations} iterations)`,
        kdf_cpu_ms: floors.kdf_configured.cpu_ms,
        scenarios: ours,
      },
      ours_pbkdf2_sha256: {
        runtime: "as ours, with PASSWORD_HASH=pbkdf2_sha256 (login at 1 connection only)",
        kdf: "pbkdf2_sha256 (100000 iterations)",
        kdf_cpu_ms: floors.kdf_pbkdf2_sha256_100k.cpu_ms,
        scenarios: oursSha256,
      },
      better_auth: betterAuth,
      ours_wrangler_dev: oursDev && {
        runtime: "wrangler dev, as `npm start` runs it (CPU: workerd; wrangler's Node counted apart)",
        scenarios: oursDev,
      },
      better_auth_wrangler_dev: betterAuthDev,
      peer: {
        runtime: "gunicorn 2 sync workers, Django + DRF + djangorestframework-simplejwt, SQLite on tmpfs",
        versions: peerVersions(),
        signing: "HS256 (SimpleJWT default)",
        kdf: peer.kdf.kdf,
        kdf_cpu_ms: Math.round(peer.kdf.kdf_cpu_ms * 1000) / 1000,
        scenarios: peerResults,
      },
    },
    floors,
    tail: { hello, ours: tailTable(ours, hello, { login: floors.kdf_under_load, refresh: floors.refresh_work_under_load, introspect: floors.hello_post_json }) },
    ...startup,
  };
  results.ratios = { ...computeRatios(results), ...startupRatios(results) };

  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(outDir, "results.md"), renderMarkdown(results));
  writeFileSync(path.join(outDir, "plot.svg"), renderSvg(results));
  if (outIndex < 0) copyFileSync(path.join(outDir, "results.json"), path.join(root, "bench/results/latest.json"));
  log(`wrote ${path.relative(process.cwd(), outDir) || outDir}/results.{json,md} and plot.svg`);
  process.stdout.write("\n" + renderMarkdown(results));
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const stop of cleanups.reverse()) await stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
