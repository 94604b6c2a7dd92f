// Build step: the worker itself, bundled by esbuild with code splitting into dist/worker/ (issue
// 14). wrangler bundles every statically analysable import() into its one script (workers-sdk
// #417), so the rarely used second-factor routes (src/routes/lazy.ts) would be downloaded and
// parsed by every new isolate; split, they are separate modules loaded on first use. wrangler.toml
// uploads the output as it is (no_bundle = true, an ESModule rule for **/*.js: every file under
// dist/worker/ becomes a module of the Worker). Options follow wrangler's own bundling: ESM, the
// workerd/worker/browser export conditions, minified, with source maps.
import { build, context } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";

export const WORKER_DIR = "dist/worker";

const options = (root) => ({
  absWorkingDir: root,
  entryPoints: { index: "src/index.ts" },
  outdir: path.join(root, WORKER_DIR),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2024",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*", "node:*"],
  chunkNames: "chunks/[name]-[hash]",
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: "error",
});

export async function buildWorker(root) {
  // Old chunks (content-hashed names) would otherwise be uploaded too: the rule matches every .js.
  rmSync(path.join(root, WORKER_DIR), { recursive: true, force: true });
  return build(options(root));
}

/**
 * `npm start`: rebuilds dist/worker/ on every change under src/ (wrangler dev then reloads the
 * changed modules). Chunks of earlier builds stay until the next full build; only local workerd
 * sees them.
 */
export async function watchWorker(root) {
  const watcher = await context({ ...options(root), logLevel: "info" });
  await watcher.watch();
  return watcher;
}
