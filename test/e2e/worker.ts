// Starts the real worker exactly as `npm start` does (scripts/start.mjs: dev setup, then `wrangler
// dev`), on a free loopback port with its own local D1/KV directory, and stops it (the whole
// process group) after. The directory starts as a copy of the migrated one global-setup.ts made,
// so the start's migration step has nothing left to apply (it still runs, as npm start runs it).
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

export interface RunningWorker {
  url: string;
  port: number;
  /** The local D1/KV state directory (`--persist-to`), for commands that work on the same D1. */
  persist: string;
  stop(): Promise<void>;
  logs(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM to a detached child's whole process group (wrangler, workerd), SIGKILL after 5 s. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
}

const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

/**
 * `vars` are passed as `wrangler dev --var NAME:VALUE`, overriding wrangler.toml and .dev.vars
 * (a function of the port when a value names it); `env` is added to the process environment;
 * `args` go to `wrangler dev` as they are.
 */
export async function startWorker(vars: Record<string, string> | ((port: number) => Record<string, string>) = {}, env: Record<string, string> = {}, args: string[] = []): Promise<RunningWorker> {
  const persist = mkdtempSync(path.join(tmpdir(), "edge-auth-e2e-"));
  const migrated = inject("migratedPersist"); // undefined under a config without global-setup.ts (npm run soak)
  if (migrated) cpSync(migrated, persist, { recursive: true });
  const port = await freePort();
  const varArgs = Object.entries(typeof vars === "function" ? vars(port) : vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child: ChildProcess = spawn(
    process.execPath,
    ["scripts/start.mjs", "--port", String(port), "--persist-to", persist, "--inspector-port", "0", "--show-interactive-dev-session=false", ...varArgs, ...args],
    { cwd: root, env: { ...quietEnv, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    await stopProcessGroup(child);
    rmSync(persist, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/.well-known/jwks.json`);
      if (response.status === 200) return { url, port, persist, stop, logs: () => output };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the worker did not start on ${url}:\n${output}`);
}

/**
 * fetch for a test talking to a worker over loopback, once more (up to twice) when a kept-alive
 * connection that the dev server had closed while idle is picked from undici's pool: the request
 * then fails with UND_ERR_SOCKET ("other side closed") before the server read it. Seen after a
 * command ran for seconds between two requests (npm run admin, wrangler d1 execute).
 */
export async function fetchRetryingStaleSocket(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3 || (error as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw error;
    }
  }
}
