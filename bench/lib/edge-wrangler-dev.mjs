// The secondary target: the worker exactly as `npm start` runs it (dev setup, then `wrangler dev`),
// i.e. what a developer sees. wrangler's Node process proxies every request and logs every D1
// query, so its CPU is counted apart from workerd's.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { request } from "./http.mjs";
import { descendants } from "./proc.mjs";
import { quietEnv, root } from "./edge-miniflare.mjs";
import { freePort, spawnServer, waitUntilReady } from "./server-process.mjs";

/**
 * wrangler.toml with every [[ratelimits]] limit raised (the benchmark measures the login and
 * refresh paths, not the throttle), written beside it under .wrangler/ (git-ignored) so that its
 * relative paths still resolve; nothing else differs from what `npm start` runs.
 */
function unthrottledConfig() {
  const text = readFileSync(path.join(root, "wrangler.toml"), "utf8")
    .replace(/^(main\s*=\s*")/m, "$1../")
    .replace(/^(migrations_dir\s*=\s*")/m, "$1../")
    .replace(/^(directory\s*=\s*")/m, "$1../") // [assets]
    .replace(/(simple\s*=\s*\{\s*limit\s*=\s*)\d+/g, "$11000000");
  const file = path.join(root, ".wrangler", "bench.wrangler.toml");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

export async function startWranglerDev({ vars, persist }) {
  const setup = spawnSync(process.execPath, ["scripts/dev-setup.mjs", "--persist-to", persist], { cwd: root, encoding: "utf8", env: quietEnv });
  if (setup.status !== 0) throw new Error(`dev setup failed:\n${setup.stdout}${setup.stderr}`);
  const port = await freePort();
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const server = spawnServer(
    path.join(root, "node_modules/.bin/wrangler"),
    ["dev", "--config", unthrottledConfig(), "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist, "--inspector-port", "0", "--show-interactive-dev-session=false", ...varArgs],
    { cwd: root, env: quietEnv, group: true },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(server, async () => (await request(`${url}/.well-known/jwks.json`)).status === 200, `wrangler dev on ${url}`);

  // workerd processes are the runtime; wrangler and any Node helper it spawns are the dev tooling.
  const group = () => [{ pid: server.child.pid, comm: "node" }, ...descendants(server.child.pid)];
  const pids = {
    workerd: () => group().filter((p) => p.comm === "workerd").map((p) => p.pid),
    wrangler_node: () => group().filter((p) => p.comm !== "workerd").map((p) => p.pid),
  };
  return { url, pids, stop: server.stop };
}
