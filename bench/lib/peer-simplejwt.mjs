// The peer: the stack seed 001 documents (Django + DRF + djangorestframework-simplejwt) from
// Debian's packages, served by gunicorn with 2 sync workers (one per core) over SQLite.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { request } from "./http.mjs";
import { descendants } from "./proc.mjs";
import { freePort, spawnServer, waitUntilReady } from "./server-process.mjs";

const PEER_PACKAGES = ["python3-djangorestframework-simplejwt", "gunicorn"];
/** What a benchmark run needs from Debian: the load generator and the peer (checked once, by run.mjs and npm test). */
export const BENCH_PACKAGES = ["wrk", ...PEER_PACKAGES];
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
  mkdirSync(persist, { recursive: true });
  const env = { ...process.env, DJANGO_SETTINGS_MODULE: "peer.settings", BENCH_PEER_DB: path.join(persist, "peer.sqlite3"), PYTHONDONTWRITEBYTECODE: "1" };
  python(["manage.py", "migrate", "-v", "0"], env);
  const kdf = JSON.parse(python(["prepare.py", username, password, String(kdfRounds)], env));

  const port = await freePort();
  const gunicorn = ["-m", "gunicorn", "--workers", "2", "--worker-class", "sync", "--bind", `127.0.0.1:${port}`, "--log-level", "warning", "peer.wsgi"];
  const server = spawnServer(PYTHON, gunicorn, { cwd: project, env, group: false });
  const url = `http://127.0.0.1:${port}`;
  const pid = server.child.pid;
  // 401 without a token: Django answers through DRF; and both workers have booted.
  await waitUntilReady(server, async () => (await request(`${url}/api/me/`)).status === 401 && descendants(pid).length >= 2, `gunicorn on ${url}`, 30_000);
  return { url, pids: () => [pid, ...descendants(pid).map((p) => p.pid)], kdf, stop: server.stop };
}
