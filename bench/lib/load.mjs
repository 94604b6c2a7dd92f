// One load phase: Debian's wrk against a URL for a fixed time, bracketed by CPU readings of the
// server's processes, so a phase yields req/s, latency percentiles, errors and CPU per request.
// wrk reconnects correctly after `Connection: close` (gunicorn's sync workers), unlike autocannon 9.
import { spawn } from "node:child_process";
import path from "node:path";
import { cpuMs } from "./proc.mjs";

const WRK_DIR = path.resolve(import.meta.dirname, "../wrk");

function runWrk(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { env: { ...process.env, BENCH_WRK_DIR: WRK_DIR, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("BENCH_JSON "));
      if (code !== 0 || !line) reject(new Error(`wrk ${args.join(" ")} failed (exit ${code}):\n${out}`));
      else resolve(JSON.parse(line.slice("BENCH_JSON ".length)));
    });
  });
}

/**
 * @param {object} phase
 * @param {string} phase.url          full URL
 * @param {number} phase.connections  concurrent connections
 * @param {number} phase.seconds      duration
 * @param {object} phase.cpu          { worker, ...others: pid[] | () => pid[] } process groups whose CPU is counted
 * @param {"request"|"refresh-chain"} [phase.script]
 * @param {Record<string,string>} [phase.env] variables for the Lua script
 */
export async function runPhase({ url, connections, seconds, cpu, script = "request", env = {} }) {
  const threads = wrkThreads(connections);
  const args = ["-t", String(threads), "-c", String(connections), "-d", `${seconds}s`, "--timeout", "10s", "-s", path.join(WRK_DIR, `${script}.lua`), url];
  const groups = Object.entries(cpu).map(([name, pids]) => [name, typeof pids === "function" ? pids() : pids]);
  const before = groups.map(([, pids]) => cpuMs(pids));
  const result = await runWrk(args, { BENCH_CLIENT_IP: CLIENT_IP, ...env, BENCH_THREADS: String(threads) });
  const after = groups.map(([, pids]) => cpuMs(pids));
  const requests = result.requests;
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  const perRequest = groups.map(([name], i) => [name, requests > 0 ? round((after[i] - before[i]) / requests, 3) : null]);
  return {
    connections,
    seconds,
    requests,
    rps: round(requests / (result.duration_us / 1e6), 1),
    p50_ms: round(result.latency_us.p50 / 1000, 2),
    p99_ms: round(result.latency_us.p99 / 1000, 2),
    max_ms: round(result.latency_us.max / 1000, 2),
    errors,
    error_kinds: result.errors,
    // `worker` is the server itself (workerd, or gunicorn's processes); other groups are tooling.
    cpu_ms_per_request: Object.fromEntries(perRequest).worker ?? null,
    ...(perRequest.length > 1 ? { cpu_ms_per_request_by_process: Object.fromEntries(perRequest) } : {}),
  };
}

/** Sent as CF-Connecting-IP by every request (Cloudflare's edge sets it; the peer ignores it). */
export const CLIENT_IP = "127.0.0.1";

/** Two threads keep 50 connections busy on a 2-core machine (refresh chains are queued per thread). */
export const wrkThreads = (connections) => Math.min(connections, 2);

export const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;
