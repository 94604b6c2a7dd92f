// The second peer: Better Auth (pinned, from the npm registry, in bench/better-auth/ with its own
// package.json and lock) as a Worker in the same workerd as edge-auth, with a local D1: its
// email/password sign-in (default hasher), its session cookie GET, its JWT plugin's token mint and
// a GET that verifies that JWT with jose against its JWKS (bench/better-auth/src/worker.ts).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { applyMigrations, buildBundle, quietEnv, root, startMiniflare } from "./edge-miniflare.mjs";
import { startWranglerDev } from "./edge-wrangler-dev.mjs";
import { randomSecret } from "../../scripts/keys.mjs";
import { request } from "./http.mjs";
import { runScenarios } from "./scenarios.mjs";

const DIR = path.join(root, "bench/better-auth");
const CONFIG = "bench/better-auth/wrangler.toml";
const MIGRATIONS = path.join(DIR, "migrations");
const installedVersion = () => {
  const file = path.join(DIR, "node_modules/better-auth/package.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).version : null;
};
const pinnedVersion = () => JSON.parse(readFileSync(path.join(DIR, "package.json"), "utf8")).dependencies["better-auth"];

/** `npm ci` in bench/better-auth/ when its pinned Better Auth is not installed there (never the root's dependencies). */
export function ensureBetterAuthInstalled(log) {
  if (installedVersion() === pinnedVersion()) return;
  log(`installing better-auth ${pinnedVersion()} into bench/better-auth/ (npm ci --prefix bench/better-auth)`);
  const run = spawnSync("npm", ["ci", "--prefix", DIR, "--no-audit", "--no-fund"], { cwd: root, env: quietEnv, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`npm ci --prefix bench/better-auth failed:\n${run.stdout}${run.stderr}`);
}

/** Its defaults, named for the table (node_modules/@better-auth/utils/dist/password.node.mjs, plugins/jwt). */
export const BETTER_AUTH_SIDE_INFO = {
  kdf: "scrypt N=16384 r=16 p=1 dkLen=64 (Better Auth's default; node:crypto under workerd's nodejs_compat)",
  signing: "EdDSA Ed25519 (JWT plugin default; private key stored in D1, encrypted with the secret)",
};

function sessionCookie(headers) {
  const cookies = [headers["set-cookie"] ?? []].flat();
  const session = cookies.map((c) => c.split(";")[0]).find((c) => c.startsWith("better-auth.session_token="));
  if (!session) throw new Error(`Better Auth sign-in set no session cookie: ${cookies.join(" | ")}`);
  return session;
}

/** How Better Auth spells the flows (its REST API under /api/auth), for lib/scenarios.mjs. */
export const BETTER_AUTH_SIDE = {
  login: "/api/auth/sign-in/email",
  credentials: (username, password) => ({ email: `${username}@example.com`, password }),
  tokens: (_body, headers) => ({ cookie: sessionCookie(headers) }),
  async scenarios(url, session) {
    const minted = await request(`${url}/api/auth/token`, { headers: { Cookie: session.cookie } });
    if (minted.status !== 200) throw new Error(`Better Auth token mint: ${minted.status} ${minted.text}`);
    const cookie = { BENCH_METHOD: "GET", BENCH_COOKIE: session.cookie };
    return {
      token_mint: { url: `${url}/api/auth/token`, env: cookie },
      session_get: { url: `${url}/api/auth/get-session`, env: cookie },
      jwt_get: { url: `${url}/api/jwt/me`, env: { BENCH_METHOD: "GET", BENCH_AUTHORIZATION: `Bearer ${JSON.parse(minted.text).token}` } },
    };
  },
};

/** The bench user, signed up through its own API (name, email, password). */
async function signUp(url, username, password) {
  const body = JSON.stringify({ name: username, email: `${username}@example.com`, password });
  const { status, text } = await request(`${url}/api/auth/sign-up/email`, { method: "POST", body });
  if (status !== 200) throw new Error(`Better Auth sign-up: ${status} ${text}`);
}

/** `target` once `prepare()` has run; stopped (not left running) when it throws. */
async function ready(target, prepare) {
  try {
    await prepare();
  } catch (error) {
    await target.stop();
    throw error;
  }
  return target;
}

/**
 * Builds the Worker as `wrangler deploy` would and starts it like edge-auth's primary target (its
 * own workerd, a socket straight to the worker, in-memory D1 with the committed migration).
 */
export async function startBetterAuth({ outdir, secret, username, password }) {
  const bundle = buildBundle(outdir, { config: CONFIG });
  const target = await startMiniflare({ bundle, vars: { BETTER_AUTH_SECRET: secret }, persist: null, config: CONFIG });
  return ready(target, async () => {
    await applyMigrations(target.mf, MIGRATIONS);
    await signUp(target.url, username, password);
  });
}

/** Its D1 migration applied to wrangler's local D1 under `persist`, as `wrangler d1 migrations apply` does. */
function migrateLocal(persist) {
  const args = ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "--config", CONFIG];
  const run = spawnSync(path.join(root, "node_modules/.bin/wrangler"), args, { cwd: root, env: { ...quietEnv, CI: "true" }, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
}

/** The same Worker under `wrangler dev`, as ours runs in the secondary target (lib/edge-wrangler-dev.mjs). */
export async function startBetterAuthWranglerDev({ persist, secret, username, password }) {
  const target = await startWranglerDev({ vars: { BETTER_AUTH_SECRET: secret }, persist, config: CONFIG, setup: migrateLocal, ready: "/api/auth/ok" });
  return ready(target, () => signUp(target.url, username, password));
}

export function betterAuthVersions() {
  const version = (pkg) => JSON.parse(readFileSync(path.join(DIR, "node_modules", pkg, "package.json"), "utf8")).version;
  return { better_auth: version("better-auth"), jose: version("jose"), kysely: version("kysely") };
}

/** Starts it as our primary target, runs its scenarios with the same options as ours (`scenarioOptions`), stops it; returns its `sides` entry. */
export async function runBetterAuth({ scenarioOptions, outdir, started, stopped }) {
  const { username, password } = scenarioOptions;
  const target = await started(startBetterAuth({ outdir, secret: randomSecret(), username, password }));
  const scenarios = await runScenarios({ ...scenarioOptions, side: BETTER_AUTH_SIDE, target: { url: target.url, cpu: { worker: target.pids } } });
  await stopped(target);
  return {
    runtime: "workerd through Miniflare's API, started as ours (its bundle from wrangler deploy --dry-run, a socket straight to the worker, in-memory local D1)",
    versions: betterAuthVersions(),
    ...BETTER_AUTH_SIDE_INFO,
    scenarios,
  };
}

/** The same under `wrangler dev` (CPU: workerd; wrangler's Node apart), like ours_wrangler_dev. */
export async function runBetterAuthWranglerDev({ scenarioOptions, persist, started, stopped }) {
  const { username, password } = scenarioOptions;
  const dev = await started(startBetterAuthWranglerDev({ persist, secret: randomSecret(), username, password }));
  const scenarios = await runScenarios({ ...scenarioOptions, side: BETTER_AUTH_SIDE, target: { url: dev.url, cpu: { worker: dev.pids.workerd, wrangler_node: dev.pids.wrangler_node } } });
  await stopped(dev);
  return { runtime: "wrangler dev, as ours_wrangler_dev (CPU: workerd; wrangler's Node counted apart)", scenarios };
}
