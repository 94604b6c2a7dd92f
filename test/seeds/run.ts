// Runs the seeds' own examples (stored verbatim under test/seeds/<seed>/) against a base URL. The
// only changes are made here, at run time, and are the ones a migrating user makes: the seed's base
// URL becomes the worker's, and placeholders (`<token>`, `YOUR_TOKEN_HERE`, `{...}`) become the
// values the earlier steps produced. See test/seeds/README.md.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const SEEDS_DIR = import.meta.dirname;
export type Replacements = Record<string, string>;

export function seedText(file: string, replacements: Replacements): string {
  let text = readFileSync(path.join(SEEDS_DIR, file), "utf8");
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return text;
}

export interface Exit {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronous on purpose: the stand-in app runs in this process and must keep answering. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", timeout: 30_000, ...options }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

export const newWorkDir = () => mkdtempSync(path.join(tmpdir(), "edge-auth-seed-"));

export interface CurlResult {
  status: number;
  body: string;
}

/** Runs a stored curl script in `cwd` (where its cookies.txt lives). A .curlrc, not the script,
 * adds `--silent` and prints the status code after the body. */
export async function runCurl(file: string, cwd: string, replacements: Replacements): Promise<CurlResult> {
  writeFileSync(path.join(cwd, ".curlrc"), 'silent\nwrite-out = "\\n%{http_code}"\n');
  const script = path.join(cwd, path.basename(file));
  writeFileSync(script, seedText(file, replacements), { mode: 0o755 });
  const exit = await run("sh", [script], { cwd, env: { ...process.env, CURL_HOME: cwd } });
  if (exit.status !== 0) throw new Error(`${file} exited ${exit.status}: ${exit.stderr}`);
  const cut = exit.stdout.lastIndexOf("\n");
  return { status: Number(exit.stdout.slice(cut + 1)), body: exit.stdout.slice(0, cut) };
}

/** The cookie jar curl wrote (Netscape format): name → value, and which are HttpOnly. */
export function readCookieJar(cwd: string): Record<string, { value: string; httpOnly: boolean }> {
  const lines = readFileSync(path.join(cwd, "cookies.txt"), "utf8").split("\n").filter((l) => l && (!l.startsWith("#") || l.startsWith("#HttpOnly_")));
  return Object.fromEntries(lines.map((l) => l.split("\t")).map((f) => [f[5], { value: f[6] ?? "", httpOnly: f[0]!.startsWith("#HttpOnly_") }]));
}

/** Sends a stored raw HTTP request (`METHOD /path`, headers, blank line, body) to `base`. */
export async function sendHttp(file: string, base: string, replacements: Replacements = {}, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const text = seedText(file, replacements);
  const [head, ...rest] = text.split("\n\n");
  const [requestLine, ...headerLines] = head!.trim().split("\n");
  const [method, target] = requestLine!.split(" ");
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
  const body = rest.join("\n\n").trim();
  return fetch(`${base}${target}`, { method, headers: { ...headers, ...extraHeaders }, body: body || undefined });
}

/** Debian's python3 (with python3-requests), not a pyenv one on PATH. */
export const PYTHON = "/usr/bin/python3";

/** Runs a stored Python example, then `after` (more Python, e.g. calls on the seed's class), and
 * returns what run_example.py reports: every requests.Response left in the example's namespace. */
export async function runPython(file: string, replacements: Replacements, after = ""): Promise<Record<string, any>> {
  const dir = newWorkDir();
  const script = path.join(dir, path.basename(file));
  writeFileSync(script, seedText(file, replacements));
  const exit = await run(PYTHON, [path.join(SEEDS_DIR, "run_example.py"), script, after]);
  if (exit.status !== 0) throw new Error(`${file} exited ${exit.status}: ${exit.stderr}`);
  return JSON.parse(exit.stdout);
}
