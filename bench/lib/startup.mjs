// Bundle size and cold start (issue 14), one step of `npm run bench`: the production bundle's size
// beside the hello-world Hono Worker's, and the three cold starts of bench/lib/cold-start.mjs.
// Hooked into run.mjs (measureStartup), ratios.mjs's results (startupRatios) and report.mjs
// (renderStartup) by one line each.
import path from "node:path";
import { bundleSize, moduleSizes } from "./bundle.mjs";
import { measureColdStarts } from "./cold-start.mjs";
import { buildBundle } from "./edge-miniflare.mjs";
import { round } from "./load.mjs";

export const COLD_START_SAMPLES = { full: 9, quick: 3, smoke: 1 };
const FIRST_REQUEST = "/.well-known/jwks.json";

/** `bundle`: the service's dry-run script, already built by run.mjs. */
export async function measureStartup({ work, bundle, vars, mode }) {
  // Built with the service's wrangler.toml (same minify and date), only the script replaced.
  const hello = buildBundle(path.join(work, "build-hello"), { script: "bench/hello-worker.ts" });
  const runtime = buildBundle(path.join(work, "build-runtime"), { script: "bench/runtime-worker.ts" });
  // Ours is split into modules (scripts/build/worker.mjs): its size is what a new isolate loads
  // before the first request (the entry and its static imports); the whole upload beside it.
  const [ours, helloSize] = [moduleSizes(bundle), bundleSize(hello)];
  const scripts = { ours: { bundle, path: FIRST_REQUEST }, hello: { bundle: hello, path: "/" }, runtime: { bundle: runtime, path: "/" } };
  const coldStart = await measureColdStarts({ scripts, vars, samples: COLD_START_SAMPLES[mode] });
  return {
    bundle: { bundle_bytes: ours.at_start_bytes, bundle_gzip_bytes: ours.at_start_gzip_bytes, bundle_total_gzip_bytes: ours.total_gzip_bytes, hello_bundle_bytes: helloSize.bytes, hello_bundle_gzip_bytes: helloSize.gzip_bytes },
    cold_start: { first_request: { ours: `GET ${FIRST_REQUEST}`, hello: "GET /", runtime: "GET /" }, ...coldStart },
  };
}

export function startupRatios({ bundle, cold_start: cold }) {
  const ratio = (a, b) => (a && b ? round(a / b, 2) : null);
  const cpuVsHello = ratio(cold.ours.cold_start_cpu_ms, cold.hello.cold_start_cpu_ms);
  const gzipKib = round(bundle.bundle_gzip_bytes / 1024, 1);
  return {
    bundle_gzip_kib: { value: gzipKib, target: "<= 64", met: gzipKib <= 64 },
    cold_start_cpu_vs_hello: { value: cpuVsHello, target: "<= 1.5", met: cpuVsHello !== null && cpuVsHello <= 1.5 },
    // Context: wall time is mostly Miniflare's own start in Node; the script's share is CPU over the bare runtime's.
    cold_start_wall_vs_hello: ratio(cold.ours.cold_start_wall_ms, cold.hello.cold_start_wall_ms),
    cold_start_over_runtime_cpu_vs_hello: ratio(cold.ours.over_runtime_cpu_ms, cold.hello.over_runtime_cpu_ms),
  };
}

const kib = (bytes) => `${round(bytes / 1024, 1)} KiB`;

export function renderStartup({ bundle, cold_start: cold }) {
  const row = (name, c) => `| ${name} | ${c.cold_start_cpu_ms} | ${c.startup_cpu_ms} | ${c.first_request_cpu_ms} | ${c.over_runtime_cpu_ms ?? "–"} | ${c.cold_start_wall_ms} | ${c.first_request_wall_ms} |`;
  return `## Bundle and cold start (workerd, same run)

Production bundle (\`wrangler deploy --dry-run\`): ${kib(bundle.bundle_bytes)}, ${kib(bundle.bundle_gzip_bytes)} gzipped; hello-world Hono:
${kib(bundle.hello_bundle_bytes)}, ${kib(bundle.hello_bundle_gzip_bytes)} gzipped. Cold start: a fresh workerd (Miniflare) per sample, then its
first request (ours ${cold.first_request.ours}: config parse, key import); median of ${cold.samples} samples each, CPU of the
workerd process (all threads), wall from \`new Miniflare\` to the first response.

| script | cold start CPU ms | startup CPU ms | first request CPU ms | CPU ms over the bare runtime | cold start wall ms | first request wall ms |
| --- | --- | --- | --- | --- | --- | --- |
${row("edge-auth", cold.ours)}
${row("hello-world Hono", cold.hello)}
${row("bare runtime (no code)", cold.runtime)}
`;
}
