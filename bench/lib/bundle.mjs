// The production bundle's size (issue 14): the script `wrangler deploy --dry-run --outdir` writes,
// raw and gzipped (zlib's default level 6; wrangler's "Total Upload ... gzip" line counts the same
// script compressed by its own settings, within a percent of this).
import { readFileSync } from "node:fs";
import path from "node:path";
import { bundleModules } from "./edge-miniflare.mjs";
import { gzipSync } from "node:zlib";

export function bundleSize(script) {
  const bytes = readFileSync(script);
  return { bytes: bytes.byteLength, gzip_bytes: gzipSync(bytes).byteLength };
}

/**
 * Per module of a split build (scripts/build/worker.mjs): the entry, each chunk, what a new
 * isolate loads before its first request (the entry and the chunks it imports statically) and
 * the total upload.
 */
export function moduleSizes(script) {
  const modules = bundleModules(script).map(({ path: file }) => ({ module: path.relative(path.dirname(script), file), ...bundleSize(file) }));
  const entry = readFileSync(script, "utf8");
  const atStart = modules.filter(({ module }) => module === path.basename(script) || new RegExp(`(?:^|[;}])import[^()]*?from"\\./${module.replace(/[.]/g, "\\.")}"`).test(entry));
  const sum = (list, field) => list.reduce((total, m) => total + m[field], 0);
  return { modules, at_start_bytes: sum(atStart, "bytes"), at_start_gzip_bytes: sum(atStart, "gzip_bytes"), total_gzip_bytes: sum(modules, "gzip_bytes") };
}
