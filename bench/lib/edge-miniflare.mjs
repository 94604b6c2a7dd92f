// The primary target: the production bundle (`wrangler deploy --dry-run`) run in workerd through
// Miniflare's API, on a socket wired straight to the worker (no dev proxy, no entry worker), local D1 (migrations applied here) and local KV.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from "wrangler";
import { descendants } from "./proc.mjs";

export const root = path.resolve(import.meta.dirname, "../..");
export const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

/** Bundles a worker exactly as `wrangler deploy` would, without uploading it. */
// The service as `npm run deploy` uploads it: scripts/build/worker.mjs's split build, --no-bundle
// (the build runs first); another script (the hello-world and bare-runtime
// Workers) is bundled and minified by wrangler as the service once was.
export function buildBundle(outdir, { script, config = "wrangler.toml" } = {}) {
  if (!script && config === "wrangler.toml") {
    const build = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, env: quietEnv, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
  }
  const args = ["deploy", "--dry-run", "--outdir", outdir, "--config", config, ...(script ? ["--bundle", "--minify", script] : config === "wrangler.toml" ? ["--no-bundle", "dist/worker/index.js"] : [])];
  const run = spawnSync(path.join(root, "node_modules/.bin/wrangler"), args, { cwd: root, env: quietEnv, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
  const bundled = readdirSync(outdir).find((f) => f.endsWith(".js"));
  return path.join(outdir, bundled);
}

/**
 * The entry module and the chunks beside it: a build split by scripts/build/worker.mjs imports
 * chunks/*.js (statically, and with import() on first use); a single-script bundle has none.
 */
export function bundleModules(bundle) {
  const chunks = path.join(path.dirname(bundle), "chunks");
  const extra = existsSync(chunks) ? readdirSync(chunks).filter((f) => f.endsWith(".js")).map((f) => path.join(chunks, f)) : [];
  return [bundle, ...extra].map((file) => ({ type: "ESModule", path: file }));
}

/** wrangler.toml's [vars] only (wrangler's own worker options also carry a developer's .dev.vars). */
export function configVars(config = "wrangler.toml") {
  return unstable_readConfig({ config: path.join(root, config) }).vars;
}

function workerdPids(before) {
  return descendants(process.pid).filter((p) => p.comm === "workerd" && !before.has(p.pid)).map((p) => p.pid);
}

/**
 * Starts `bundle` in its own workerd process. `vars` override wrangler.toml's [vars]; `limits`
 * replaces the rate-limit bindings (the benchmark measures the login path, not the throttle).
 */
export async function startMiniflare({ bundle, vars, persist, limits = 1_000_000, config = "wrangler.toml", quiet = false }) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, config));
  const ratelimits = Object.fromEntries(
    Object.keys(workerOptions.ratelimits ?? {}).map((name) => [name, { simple: { limit: limits, period: 60 } }]),
  );
  const before = new Set(descendants(process.pid).map((p) => p.pid));
  const mf = new Miniflare({
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    modules: bundleModules(bundle),
    modulesRoot: path.dirname(bundle),
    bindings: { ...configVars(config), ...vars },
    d1Databases: workerOptions.d1Databases,
    kvNamespaces: workerOptions.kvNamespaces,
    ratelimits,
    // persist null: in-memory storage (nothing of local disk latency in the figures)
    d1Persist: persist ? path.join(persist, "d1") : false,
    kvPersist: persist ? path.join(persist, "kv") : false,
    host: "127.0.0.1",
    port: 0,
    // Load goes to a socket wired straight to the worker, as Cloudflare's front line hands a request
    // to an isolate. Miniflare's own entry worker (the default URL) runs JS on every request to
    // mimic the edge (request.cf, pretty errors): in this process it cost 0.13 ms of CPU per
    // request, twice the worker's hello-world floor (bench/README.md). CF-Connecting-IP, which the
    // edge sets, is sent by the load generator instead.
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    // The worker's own log lines (one audit line per login) would flood the report: dropped here,
    // still written by workerd (its CPU counts); stderr is kept for diagnosis (`quiet`: dropped
    // too, for the cold-start samples' many short-lived processes, which check their answer).
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      if (quiet) stderr.resume();
      else stderr.pipe(process.stderr);
    },
  });
  await mf.ready;
  const url = (await mf.unsafeGetDirectURL()).toString().replace(/\/$/, "");
  return { url, mf, pids: workerdPids(before), stop: () => mf.dispose() };
}

/** Applies `dir`/*.sql in order, as `wrangler d1 migrations apply` would. */
export async function applyMigrations(mf, dir = path.join(root, "migrations")) {
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(path.join(dir, file), "utf8"));
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}
