#!/usr/bin/env node
// `npm start`: local development. Dev setup (scripts/dev-setup.mjs: .dev.vars, local D1 schema),
// then `wrangler dev` on 127.0.0.1 and the chosen port:
//   npm start                       # http://127.0.0.1:8787
//   PORT=8795 npm start             # or: npm start -- --port 8795
// Other arguments go to `wrangler dev` (e.g. --persist-to DIR, which dev setup uses too).
// With ISSUER empty in .dev.vars (as generated) the issuer is the origin the worker is reached at.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);

function takeOption(name) {
  const at = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const [arg] = args.splice(at, 1);
  return arg.includes("=") ? arg.slice(name.length + 1) : args.splice(at, 1)[0];
}

const port = takeOption("--port") ?? process.env.PORT ?? "8787";
if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`edge-auth: the port must be a number from 1 to 65535, not "${port}"`);
  process.exit(2);
}
const persistTo = takeOption("--persist-to");
const persist = persistTo ? ["--persist-to", persistTo] : [];

const setup = spawnSync(process.execPath, [path.join(root, "scripts/dev-setup.mjs"), ...persist], { cwd: root, stdio: "inherit" });
if (setup.status !== 0) process.exit(setup.status ?? 1);
// Generated files (dist/: the client and hono packages; public/generated/: the OpenAPI document,
// the client for the demo, the /docs renderer) before wrangler reads [assets]. Not
// wrangler.toml's [build] (tested with wrangler 4.86): its rebuild on a src/ change crashed the
// reload ("Address already in use"), and with watch_dir elsewhere src/ edits stopped reloading at
// all. A schema edit shows in /openapi.json after a restart of npm start.
const build = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

// A fixed ISSUER for another port names endpoints this worker does not serve: say so.
const devVars = path.join(root, ".dev.vars");
const issuer = existsSync(devVars) ? /^ISSUER=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1]?.trim() : undefined;
if (issuer && /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(issuer) && new URL(issuer).port !== port) {
  console.warn(`edge-auth: .dev.vars sets ISSUER=${issuer}, but this worker listens on port ${port}; leave ISSUER= empty to follow the port`);
}

// CLOUDFLARE_CF_FETCH_ENABLED=false: no fetch of Request.cf from workers.cloudflare.com at start
// (offline it fails with getaddrinfo ENOTFOUND traces); request.cf is then a local placeholder.
const env = { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env };
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
// --test-scheduled: GET /__scheduled runs the Cron Trigger's handler (docs/security.md, Retention).
// wrangler 4.86's /cdn-cgi/handler/scheduled fails once [assets] is configured: its asset router
// forwards the event to the worker over RPC and cannot serialise the ScheduledController
// (DataCloneError, "exception"); /__scheduled runs inside the worker itself.
const child = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", port, "--test-scheduled", ...persist, ...args], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
