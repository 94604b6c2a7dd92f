// The secondary target: the worker exactly as `npm start` runs it (dev setup, then `wrangler dev`),
// i.e. what a developer sees. wrangler's Node process proxies every request and logs every D1
// query, so its CPU is counted apart from workerd's.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { request } from "./http.mjs";
import { descendants } from "./proc.mjs";
import { root } from "./edge-miniflare.mjs";

const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startWranglerDev({ vars, persist }) {
  const setup = spawnSync(process.execPath, ["scripts/dev-setup.mjs", "--persist-to", persist], { cwd: root, encoding: "utf8", env: quietEnv });
  if (setup.status !== 0) throw new Error(`dev setup failed:\n${setup.stdout}${setup.stderr}`);
  const port = await freePort();
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn(
    path.join(root, "node_modules/.bin/wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist, "--inspector-port", "0", "--show-interactive-dev-session=false", ...varArgs],
    { cwd: root, env: quietEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on("data", (d) => (output = (output + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM"); // the process group: wrangler and its workerd children
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  // workerd processes are the runtime; wrangler and any Node helper it spawns are the dev tooling.
  const group = () => [{ pid: child.pid, comm: "node" }, ...descendants(child.pid)];
  const pids = {
    workerd: () => group().filter((p) => p.comm === "workerd").map((p) => p.pid),
    wrangler_node: () => group().filter((p) => p.comm !== "workerd").map((p) => p.pid),
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await request(`${url}/.well-known/jwks.json`)).status === 200) return { url, pids, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not start on ${url}:\n${output}`);
}
