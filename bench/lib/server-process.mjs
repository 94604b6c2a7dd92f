// Servers the benchmark starts as child processes (wrangler dev, gunicorn): a free loopback port,
// the last of their output for error messages, readiness polling, and a stop that ends them.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

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

/**
 * @param {{ cwd: string, env: object, group: boolean }} options group: signal the whole process
 *   group (wrangler and its workerd children), else the child alone (gunicorn's master stops its
 *   workers itself).
 */
export function spawnServer(command, args, { cwd, env, group }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (d) => (output = (output + d).slice(-20_000)));
  const target = () => (group ? -child.pid : child.pid);
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(target(), "SIGTERM");
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      if (child.exitCode === null) process.kill(target(), "SIGKILL");
    } catch {}
  };
  return { child, stop, output: () => output };
}

/** Polls `ready()` until it returns true; on timeout or exit, stops the server and throws. */
export async function waitUntilReady(server, ready, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && server.child.exitCode === null) {
    try {
      if (await ready()) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.stop();
  throw new Error(`${what} did not start:\n${server.output()}`);
}
