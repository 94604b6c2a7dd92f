// Build step: the worker itself, bundled by esbuild with code splitting into dist/worker/ (issue
// 14). wrangler bundles every statically analysable import() into its one script (workers-sdk
// #417), so the rarely used second-factor routes (src/routes/lazy.ts) would be downloaded and
// parsed by every new isolate; split, they are separate modules loaded on first use. wrangler.toml
// uploads the output as it is (no_bundle = true, an ESModule rule for **/*.js: every file under
// dist/worker/ becomes a module of the Worker). Options follow wrangler's own bundling: ESM, the
// workerd/worker/browser export conditions, minified, with source maps.
import { build, context } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
  write: false,
  plugins: [{ name: "sync-output", setup: (b) => b.onEnd((result) => result.outputFiles && syncOutput(path.join(root, WORKER_DIR), result.outputFiles)) }],
});

/**
 * Writes only what changed, each file renamed into place, and removes files of earlier builds
 * (content-hashed chunk names; the ESModule rule would upload every .js left here). Several
 * `npm start`s at once (the e2e suite starts two workers in parallel) then rebuild the same
 * sources without touching each other's running wrangler dev: an unchanged build writes nothing.
 */
function syncOutput(outdir, outputFiles) {
  const wanted = new Set(outputFiles.map((file) => file.path));
  for (const file of outputFiles) {
    if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue;
    mkdirSync(path.dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  for (const entry of existsSync(outdir) ? readdirSync(outdir, { recursive: true }) : []) {
    const file = path.join(outdir, entry);
    if (/\.js(\.map)?$/.test(entry) && !wanted.has(file)) rmSync(file, { force: true });
  }
}

export async function buildWorker(root) {
  return build(options(root));
}

/**
 * `npm start`: rebuilds dist/worker/ on every change under src/ (wrangler dev then reloads the
 * changed modules).
 */
export async function watchWorker(root) {
  const watcher = await context({ ...options(root), logLevel: "info" });
  await watcher.watch();
  return watcher;
}
