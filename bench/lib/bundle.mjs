// The production bundle's size (issue 14): the script `wrangler deploy --dry-run --outdir` writes,
// raw and gzipped (zlib's default level 6; wrangler's "Total Upload ... gzip" line counts the same
// script compressed by its own settings, within a percent of this).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

export function bundleSize(script) {
  const bytes = readFileSync(script);
  return { bytes: bytes.byteLength, gzip_bytes: gzipSync(bytes).byteLength };
}
