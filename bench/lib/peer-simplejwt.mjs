// The peer: the stack seed 001 documents (Django + DRF + djangorestframework-simplejwt) from
// Debian's packages, served by gunicorn with 2 sync workers (one per core) over SQLite.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ensureDebianPackages } from "../../scripts/system-deps.mjs";
import { request } from "./http.mjs";
import { descendants } from "./proc.mjs";
import { freePort } from "./edge-wrangler-dev.mjs";

export const PEER_PACKAGES = ["python3-djangorestframework-simplejwt", "gunicorn"];
const project = path.resolve(import.meta.dirname, "../peer-simplejwt");
// Debian's interpreter: the PATH python3 may be a pyenv one without Debian's modules.
const PYTHON = "/usr/bin/python3";

function python(args, env) {
  const run = spawnSync(PYTHON, args, { cwd: project, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

export function peerVersions() {
  const code = "import django, rest_framework, rest_framework_simplejwt, gunicorn, sys; print(sys.version.split()[0], django.__version__, rest_framework.__version__, rest_framework_simplejwt.__version__, gunicorn.__version__)";
  const [pythonVersion, django, drf, simplejwt, gunicorn] = python(["-c", code], process.env).trim().split(" ");
  return { python: pythonVersion, django, djangorestframework: drf, simplejwt, gunicorn };
}

/** Migrates a fresh SQLite database, creates the user, measures the KDF, starts gunicorn. */
export async function startPeer({ persist, username, password, kdfRounds }) {
  ensureDebianPackages(PEER_PACKAGES);
  mkdirSync(persist, { recursive: true });
  const env = { ...process.env, DJANGO_SETTINGS_MODULE: "peer.settings", BENCH_PEER_DB: path.join(persist, "peer.sqlite3"), PYTHONDONTWRITEBYTECODE: "1" };
  python(["manage.py", "migrate", "-v", "0"], env);
  const kdf = JSON.parse(python(["prepare.py", username, password, String(kdfRounds)], env));

  const port = await freePort();
  const child = spawn(PYTHON, ["-m", "gunicorn", "--workers", "2", "--worker-class", "sync", "--bind", `127.0.0.1:${port}`, "--log-level", "warning", "peer.wsgi"], {
    cwd: project,
    env,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (d) => (output = (output + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(child.pid, "SIGTERM"); // gunicorn's master stops its workers gracefully
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };
  const pids = () => [child.pid, ...descendants(child.pid).map((p) => p.pid)];

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      // 401 without a token: Django is up and answering through DRF.
      if ((await request(`${url}/api/me/`)).status === 401 && descendants(child.pid).length >= 2) return { url, pids, kdf, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`gunicorn did not start on ${url}:\n${output}`);
}
