// `npm start` takes a port (PORT=8795 npm start, npm start -- --port 8795), the local issuer
// follows it, and the start is quiet: no "types might be out of date" notice and no offline
// Request.cf fetch with its getaddrinfo traces.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs `npm start` with these arguments and env until discovery answers; returns it and the log. */
async function npmStart(args: string[], env: Record<string, string>, port: number) {
  const persist = mkdtempSync(path.join(tmpdir(), "edge-auth-start-"));
  const child = spawn("npm", ["start", "--", "--persist-to", persist, "--inspector-port", "0", ...args], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const discovery = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`).catch(() => null);
      if (discovery?.status === 200) return { discovery: (await discovery.json()) as Record<string, string>, log };
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`npm start did not answer on port ${port}:\n${log}`);
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    rmSync(persist, { recursive: true, force: true });
  }
}

const NOISE = [/types might be out of date/i, /ENOTFOUND/, /Request\.cf/];

describe("npm start", () => {
  it.each([
    ["PORT=<port> npm start", (port: number) => ({ args: [], env: { PORT: String(port) } })],
    ["npm start -- --port <port>", (port: number) => ({ args: ["--port", String(port)], env: {} })],
  ])("%s serves that port, with that port as the issuer, and starts quietly", async (_, how) => {
    const port = await freePort();
    const { args, env } = how(port);
    const { discovery, log } = await npmStart(args, env, port);
    const base = `http://127.0.0.1:${port}`;
    expect({ issuer: discovery.issuer, jwks_uri: discovery.jwks_uri }).toEqual({ issuer: base, jwks_uri: `${base}/.well-known/jwks.json` });
    expect(log).toContain(`Ready on ${base}`);
    expect(NOISE.filter((noise) => noise.test(log)).map(String)).toEqual([]);
  });
});
