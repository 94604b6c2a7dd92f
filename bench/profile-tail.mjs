#!/usr/bin/env node
// Whose tail is it? The same wrk load (2 threads, N connections) against three servers that answer
// "ok": the hello-world Hono Worker in workerd started as the bench starts ours (bench/lib/tail.mjs),
// the same Worker behind Miniflare's entry worker (its default URL), and Node's own http server
// in a child process. If workerd's p99 stands far above Node's under the same load on the same
// machine, the tail is the runtime's local server, not the worker.
//   node bench/profile-tail.mjs [seconds] [connections] [rounds]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildBundle, startMiniflare } from "./lib/edge-miniflare.mjs";
import { runPhase } from "./lib/load.mjs";
import { freePort } from "./lib/server-process.mjs";

const [seconds = "5", connections = "50", rounds = "2"] = process.argv.slice(2);
const work = mkdtempSync(path.join(tmpdir(), "edge-auth-tail-"));
const config = "bench/hello.wrangler.toml";
const hello = await startMiniflare({ bundle: buildBundle(path.join(work, "build"), { config }), vars: {}, persist: null, config });
const port = await freePort();
// Node's server spins for as long as workerd spends on a hello-world request (~0.05 ms of CPU), so
// both serve the same load at a similar rate and only the servers' scheduling differs.
const spin = Number(process.env.BENCH_SPIN_US ?? 50);
const serve = `const spin = BigInt(${spin} * 1000); require("node:http").createServer((q, s) => { const end = process.hrtime.bigint() + spin; while (process.hrtime.bigint() < end); s.end("ok"); }).listen(${port}, "127.0.0.1")`;
const node = spawn(process.execPath, ["-e", serve], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 500));
const targets = [
  ["workerd, direct socket", hello.url, hello.pids],
  ["workerd, Miniflare entry worker", (await hello.mf.ready).toString().replace(/\/$/, ""), hello.pids],
  [`node:http, ${spin} µs of CPU per request`, `http://127.0.0.1:${port}`, [node.pid]],
];
try {
  for (let round = 0; round < Number(rounds); round++) {
    for (const [name, url, pids] of targets) {
      const r = await runPhase({ url: `${url}/`, connections: Number(connections), seconds: Number(seconds), cpu: { worker: pids } });
      console.log(JSON.stringify({ server: name, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, max_ms: r.max_ms, errors: r.errors, cpu_ms_per_request: r.cpu_ms_per_request }));
    }
  }
} finally {
  node.kill();
  await hello.stop();
  rmSync(work, { recursive: true, force: true });
}
