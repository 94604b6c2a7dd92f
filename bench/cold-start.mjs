#!/usr/bin/env node
// Cold starts of any bundles beside the hello-world Hono Worker and the bare runtime, as
// `npm run bench` measures them (bench/lib/cold-start.mjs), for comparing builds:
//   node bench/cold-start.mjs [samples] [name=path/to/index.js ...]
// A split build's chunks (chunks/*.js beside the entry, scripts/build/worker.mjs) are loaded too.
// With no bundle named, the current src/ is built with `wrangler deploy --dry-run`. Each bundle's
// first request is GET /.well-known/jwks.json (config parse, key import). bench/README.md,
// "Bundle and cold start", lists what each step of issue 14 bought, measured this way.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSigningKey, randomSecret } from "../scripts/keys.mjs";
import { moduleSizes } from "./lib/bundle.mjs";
import { measureColdStarts } from "./lib/cold-start.mjs";
import { buildBundle } from "./lib/edge-miniflare.mjs";

const [samples = "9", ...named] = process.argv.slice(2);
const work = mkdtempSync(path.join(tmpdir(), "edge-auth-cold-start-"));
try {
  const key = generateSigningKey("RS256");
  const vars = { ENVIRONMENT: "production", ISSUER: "http://127.0.0.1", AUDIENCE: "edge-auth-bench", SIGNING_KEYS: JSON.stringify({ keys: [key] }), ACTIVE_KID: key.kid, REFRESH_TOKEN_SECRET: randomSecret() };
  const bundles = named.length ? named.map((arg) => arg.split("=")) : [["ours", buildBundle(path.join(work, "ours"))]];
  const scripts = Object.fromEntries(bundles.map(([name, bundle]) => [name, { bundle: path.resolve(bundle), path: "/.well-known/jwks.json" }]));
  scripts.hello = { bundle: buildBundle(path.join(work, "hello"), { script: "bench/hello-worker.ts" }), path: "/" };
  scripts.runtime = { bundle: buildBundle(path.join(work, "runtime"), { script: "bench/runtime-worker.ts" }), path: "/" };
  const result = await measureColdStarts({ scripts, vars, samples: Number(samples) });
  for (const [name, script] of Object.entries(scripts)) {
    // A split build (scripts/build/worker.mjs) is several modules: the gzip sizes of each, of what
    // loads before the first request (the entry and its static imports), and of the whole upload.
    const { modules, at_start_gzip_bytes, total_gzip_bytes } = moduleSizes(script.bundle);
    console.log(JSON.stringify({ name, modules, at_start_gzip_bytes, total_gzip_bytes, ...result[name], cpu_vs_hello: Math.round((result[name].cold_start_cpu_ms / result.hello.cold_start_cpu_ms) * 100) / 100 }));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
