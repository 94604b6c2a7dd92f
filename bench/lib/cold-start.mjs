// Cold start in workerd (issue 14): per sample, a fresh workerd process (Miniflare) with the
// bundle, then its first request; CPU is the process's own (every thread's schedstat run time,
// nanoseconds, not /proc's 10 ms ticks), wall is from `new Miniflare` to the first response.
// Three scripts, one after the other in each round so drift on this shared machine hits all
// alike: ours (first request GET /.well-known/jwks.json: config parse and key import), the
// hello-world Hono Worker (GET /) and a Worker with no code (the runtime's own start, subtracted
// to give the script's share). All get the service's bindings, so only the script differs.
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { round } from "./load.mjs";
import { startMiniflare } from "./edge-miniflare.mjs";

/** CPU milliseconds used so far by a process's threads (schedstat's first field is ns on CPU). */
function threadCpuMs(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {} // the thread ended
  }
  return ns / 1e6;
}

const cpuOf = (pids) => pids.reduce((sum, pid) => sum + threadCpuMs(pid), 0);

async function oneColdStart({ bundle, vars, path }) {
  const started = performance.now();
  const worker = await startMiniflare({ bundle, vars, persist: null, quiet: true });
  try {
    const readyAt = performance.now() - started;
    const startupCpu = cpuOf(worker.pids);
    const response = await fetch(`${worker.url}${path}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`cold start: ${path} answered ${response.status}`);
    const cpu = cpuOf(worker.pids);
    const wall = performance.now() - started;
    return { cpu_ms: cpu, wall_ms: wall, startup_cpu_ms: startupCpu, first_request_cpu_ms: cpu - startupCpu, first_request_wall_ms: wall - readyAt };
  } finally {
    await worker.stop();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function summary(samples) {
  const field = (name) => round(median(samples.map((s) => s[name])), 2);
  return {
    cold_start_cpu_ms: field("cpu_ms"),
    cold_start_wall_ms: field("wall_ms"),
    startup_cpu_ms: field("startup_cpu_ms"),
    first_request_cpu_ms: field("first_request_cpu_ms"),
    first_request_wall_ms: field("first_request_wall_ms"),
  };
}

/** `scripts`: { ours: { bundle, path }, hello: {...}, runtime: {...} }; medians of `samples` rounds. */
export async function measureColdStarts({ scripts, vars, samples }) {
  const runs = Object.fromEntries(Object.keys(scripts).map((name) => [name, []]));
  for (let sample = 0; sample < samples; sample++) {
    for (const [name, script] of Object.entries(scripts)) runs[name].push(await oneColdStart({ ...script, vars }));
  }
  const result = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summary(list)]));
  // The script's own share: what its process cost beyond the runtime's bare start and first request.
  for (const name of Object.keys(scripts)) {
    if (name === "runtime") continue;
    result[name].over_runtime_cpu_ms = round(result[name].cold_start_cpu_ms - result.runtime.cold_start_cpu_ms, 2);
  }
  return { samples, ...result };
}
