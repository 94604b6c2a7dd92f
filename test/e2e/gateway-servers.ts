// Real gateways for the forward-auth tests: Debian's nginx (auth_request) and caddy
// (forward_auth), each run from the configuration docs/gateways.md shows
// (docs/examples/gateways/), with its documented ports moved to free loopback ones, in front of a
// stand-in upstream that answers the headers it received. Each server is stopped by the test.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, stopProcessGroup } from "./worker";

const examples = path.resolve(import.meta.dirname, "../../docs/examples/gateways");

export interface Ports {
  gateway: number;
  worker: number;
  upstream: number;
}

/** The documented ports (gateway 8080, edge-auth 8787, API 3000) moved to the test's. */
export function onPorts(config: string, ports: Ports): string {
  return config.replace(/127\.0\.0\.1:8080\b/g, `127.0.0.1:${ports.gateway}`).replace(/127\.0\.0\.1:8787\b/g, `127.0.0.1:${ports.worker}`).replace(/127\.0\.0\.1:3000\b/g, `127.0.0.1:${ports.upstream}`);
}

export interface Running {
  url: string;
  stop(): Promise<void>;
  logs(): string;
}

/** The API behind the gateway: answers 200 with the path and every X-Auth-* header it got. */
export async function startUpstream(): Promise<{ port: number; stop(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const auth = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith("x-auth-")));
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ upstream: true, path: request.url, headers: auth }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

function requireBinary(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name} || ls /usr/sbin/${name} /usr/bin/${name} 2>/dev/null`], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  if (!found) throw new Error(`${name} is not installed: npm test installs it (scripts/test.mjs), or run: apt-get install -y ${name}`);
  return found;
}

export async function serve(command: string, args: string[], url: string, dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const child: ChildProcess = spawn(command, args, { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const stop = async () => {
    await stopProcessGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      await fetch(url);
      return { url, stop, logs: () => output };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${command} did not start on ${url}:\n${output}`);
}

/** nginx with the documented server block inside a minimal main configuration of its own. */
export async function startNginx(ports: Ports): Promise<Running> {
  const nginx = requireBinary("nginx");
  const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-nginx-"));
  for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, sub));
  writeFileSync(path.join(dir, "server.conf"), onPorts(readFileSync(path.join(examples, "nginx.conf"), "utf8"), ports));
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `daemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log info;\nevents {}\nhttp {\n  access_log off;\n` +
      ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((s) => `  ${s}_temp_path ${dir}/${s};\n`).join("") +
      `  include ${dir}/server.conf;\n}\n`,
  );
  return serve(nginx, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")], `http://127.0.0.1:${ports.gateway}/`, dir);
}

/** caddy with the documented Caddyfile after a global block that turns off its admin API (a fixed port). */
export async function startCaddy(ports: Ports): Promise<Running> {
  const caddy = requireBinary("caddy");
  const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-caddy-"));
  const config = `{\n\tadmin off\n}\n\n${onPorts(readFileSync(path.join(examples, "Caddyfile"), "utf8"), ports)}`;
  writeFileSync(path.join(dir, "Caddyfile"), config);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  return serve(caddy, ["run", "--config", path.join(dir, "Caddyfile"), "--adapter", "caddyfile"], `http://127.0.0.1:${ports.gateway}/`, dir, env);
}
