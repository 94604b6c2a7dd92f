// `npm run admin` against the D1 of a worker started as `npm start` starts it: the admin the CLI
// creates logs in over HTTP (so the CLI hashes exactly as the worker verifies, pepper included) and
// uses /admin; grant, revoke, list and the last-admin refusal; --help and clear errors.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRetryingStaleSocket, startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const PEPPER = "an e2e pepper the CLI must apply too";
let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker({ PASSWORD_PEPPER: PEPPER });
});
afterAll(() => worker?.stop());

function admin(args: string[], input?: string) {
  const run = spawnSync(process.execPath, ["scripts/admin.mjs", ...args, ...(args.includes("--help") || args.length === 0 ? [] : ["--persist-to", worker.persist])], {
    cwd: root,
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, PASSWORD_PEPPER: PEPPER },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const http = fetchRetryingStaleSocket;

/**
 * Runs the CLI on a pseudo-terminal (python3's pty, which the seed suites need anyway) and types
 * each answer once its prompt is on the screen; answers the screen as the user saw it.
 */
function onTerminal(args: string[], answers: string[]) {
  const driver = `
import os, pty, sys, json, time
answers = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
screen = b""
def more():
    global screen
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        return False
    screen += chunk
    return bool(chunk)
for asked, answer in enumerate(answers):
    while screen.count(b": ") <= asked and more():
        pass
    os.write(fd, answer.encode() + b"\\r")
while more():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({"screen": screen.decode(), "status": os.waitstatus_to_exitcode(status)}))
`;
  const run = spawnSync("python3", ["-c", driver, JSON.stringify(answers), process.execPath, "scripts/admin.mjs", ...args, "--persist-to", worker.persist], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PASSWORD_PEPPER: PEPPER },
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as { screen: string; status: number };
}

const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  http(`${worker.url}${p}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
const login = async (username: string, password: string) => {
  const response = await post("/auth/login", { username, password });
  return { status: response.status, token: ((await response.json()) as { access_token?: string }).access_token };
};
const get = (p: string, token: string) => http(`${worker.url}${p}`, { headers: { Authorization: `Bearer ${token}` } });

describe("npm run admin", () => {
  it("create: the account logs in over HTTP with the password given on stdin and may use /admin", async () => {
    const created = admin(["create", "--username", "Root", "--email", "root@example.com"], "a long enough passphrase\n");
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(/^created admin Root \(id [0-9a-f-]{36}\)\n$/);
    expect(created.status).toBe(0);
    const { status, token } = await login("root", "a long enough passphrase");
    expect(status).toBe(200);
    const users = await get("/admin/users?query=root", token!);
    expect(users.status).toBe(200);
    expect(((await users.json()) as { users: { username: string; roles: string[] }[] }).users).toEqual([expect.objectContaining({ username: "Root", roles: ["admin"] })]);
    // A wrong password is still wrong: the hash is not accepting everything.
    expect((await login("root", "not the passphrase")).status).toBe(401);
  });

  it("create: refuses an existing account, a weak password and a missing flag, each with a clear message", () => {
    expect(admin(["create", "--username", "root", "--email", "other@example.com"], "a long enough passphrase\n")).toMatchObject({
      status: 1,
      stderr: "admin: an account with this username or email already exists (use `grant USER admin` to make it an admin)\n",
    });
    expect(admin(["create", "--username", "weak", "--email", "weak@example.com"], "password1\n")).toMatchObject({ status: 1, stderr: "admin: this password is too common\n" });
    expect(admin(["create", "--username", "short", "--email", "short@example.com"], "abc\n")).toMatchObject({ status: 1, stderr: "admin: the password must have at least 8 characters\n" });
    expect(admin(["create", "--username", "nopass", "--email", "np@example.com"], "")).toMatchObject({ status: 1, stderr: "admin: no password on stdin (pipe one line, or run on a terminal to be asked)\n" });
    const missing = admin(["create", "--username", "x"]);
    expect([missing.status, missing.stderr.split("\n")[0]]).toEqual([2, "admin: create needs --username and --email"]);
  });

  it("grant and revoke change what /admin answers; list shows the admins; the last admin cannot be revoked", async () => {
    expect((await post("/auth/register", { username: "helper", email: "helper@example.com", password: "another long passphrase" })).status).toBe(201);
    const granted = admin(["grant", "helper@example.com", "admin"]);
    expect([granted.status, granted.stdout]).toEqual([0, 'granted admin to helper; roles now ["admin"]\n']);
    const { token } = await login("helper", "another long passphrase");
    expect((await get("/admin/users", token!)).status).toBe(200);
    const listed = admin(["list"]);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split("\n").filter(Boolean).map((line) => line.split("\t")[1])).toEqual(["helper", "Root"]);

    const revoked = admin(["revoke", "helper", "admin"]);
    expect([revoked.status, revoked.stdout]).toEqual([0, "revoked admin from helper; roles now []\n"]);
    // At once, although the worker read helper's row a moment ago and caches rows per isolate.
    const refused = await get("/admin/users", token!);
    expect([refused.status, await refused.json()]).toEqual([403, { error: "forbidden", error_description: "This endpoint requires the admin role." }]);
    const last = admin(["revoke", "root", "admin"]);
    expect([last.status, last.stderr]).toEqual([1, "admin: refused: that would leave no active admin (grant the role to another account first)\n"]);
    expect(admin(["grant", "nobody", "admin"])).toMatchObject({ status: 1, stderr: 'admin: no account has the username or email "nobody"\n' });
  });

  it("--help for the tool and each command; unknown commands and options are usage errors (exit 2)", () => {
    const help = admin(["--help"]);
    expect([help.status, help.stdout.split("\n")[0]]).toEqual([0, "Usage: npm run admin -- <command> [options]"]);
    for (const command of ["create", "grant", "revoke", "list"]) {
      const own = admin([command, "--help"]);
      expect([own.status, own.stdout.split("\n")[0]]).toEqual([0, expect.stringMatching(new RegExp(`^Usage: npm run admin -- ${command}`))]);
    }
    expect(admin(["frob"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^admin: unknown command "frob"\n/) });
    expect(admin(["list", "--bogus"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^admin: Unknown option '--bogus'/) });
    expect(admin(["list", "--local", "--remote"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^admin: give --local or --remote, not both/) });
  });

  // Last: it makes one more admin, which the tests above do not expect.
  it("create on a terminal: asks twice with echo off, and refuses two different answers", async () => {
    const typed = "a typed terminal passphrase";
    const ok = onTerminal(["create", "--username", "typist", "--email", "typist@example.com"], [typed, typed]);
    expect(ok.screen).toMatch(/^Password: \r?\nPassword \(again\): \r?\ncreated admin typist \(id [0-9a-f-]{36}\)\r?\n$/);
    expect(ok.status).toBe(0);
    expect((await login("typist", typed)).status).toBe(200);
    const differ = onTerminal(["create", "--username", "typo", "--email", "typo@example.com"], [typed, `${typed}!`]);
    expect([differ.status, differ.screen.split(/\r?\n/).at(-2)]).toEqual([1, "admin: the two passwords differ"]);
  });
});
