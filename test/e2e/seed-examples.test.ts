// Seeds 000, 001 and 003: their own curl scripts, raw HTTP requests, Python, TypeScript and Go
// clients, run unchanged against the real worker (behind the stand-in app, see test/seeds/).
import path from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWorkDir, readCookieJar, run, runCurl, runPython, SEEDS_DIR, seedText, sendHttp } from "../seeds/run";
import { startSeedStack, type StandInApp } from "../seeds/stand-in-app";
import type { RunningWorker } from "./worker";

let worker: RunningWorker;
let app: StandInApp;
let stack: Awaited<ReturnType<typeof startSeedStack>>;
beforeAll(async () => {
  stack = await startSeedStack();
  ({ worker, app } = stack);
});
afterAll(() => stack?.stop());

const json = (body: unknown) => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
/** The account the migrating user already has: the seeds' placeholders name it. */
async function existingUser(username: string, password: string, email = `${username}@example.com`) {
  const response = await fetch(`${worker.url}/auth/register`, json({ username, email, password }));
  expect(response.status).toBe(201);
  return ((await response.json()) as { user: { id: string } }).user.id;
}

describe("seed 000: curl and Python examples", () => {
  it("curl: logs in from the form, then calls the app with the session cookie and X-CSRFToken", async () => {
    const id = await existingUser("your_username", "your_password");
    const dir = newWorkDir();
    const base = { "http://your-domain.com": app.url };
    const login = await runCurl("000/login.sh", dir, base);
    expect(login.status).toBe(200);
    expect(JSON.parse(login.body)).toEqual({ message: "Login successful", user: { id, username: "your_username", email: "your_username@example.com" } });
    const jar = readCookieJar(dir);
    expect([jar.sessionid?.httpOnly, jar.csrftoken?.httpOnly]).toEqual([true, false]);

    const call = await runCurl("000/api-call.sh", dir, { ...base, "<token>": jar.csrftoken!.value });
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body)).toEqual({ app: "stand-in", path: "/api/endpoint", user: { id, username: "your_username", email: "your_username@example.com" } });

    // The seed's bare `POST /accounts/logout/`, sent as curl would with the saved cookies.
    const cookie = `sessionid=${jar.sessionid!.value}; csrftoken=${jar.csrftoken!.value}`;
    const refused = await sendHttp("000/logout.http", app.url, {}, { Cookie: cookie });
    expect([refused.status, await refused.json()]).toEqual([403, { error: "CSRF verification failed. Request aborted.", status: 403 }]);
    const logout = await sendHttp("000/logout.http", app.url, {}, { Cookie: cookie, "X-CSRFToken": jar.csrftoken!.value });
    expect([logout.status, await logout.json()]).toEqual([200, { message: "Logout successful" }]);
    const after = await runCurl("000/api-call.sh", dir, { ...base, "<token>": jar.csrftoken!.value });
    expect([after.status, JSON.parse(after.body)]).toEqual([401, { error: "Authentication required", status: 401 }]);
  });

  it("Python requests: the Session logs in and calls the app with the CSRF header", async () => {
    await existingUser("py_user000", "your_password", "py000@example.com");
    const report = await runPython("000/client.py", { "http://your-domain.com": app.url, "'your_username'": "'py_user000'", "json={...}": 'json={"key": "value"}' });
    expect(report.login_response).toEqual({ status: 200, body: { message: "Login successful", user: expect.objectContaining({ username: "py_user000" }) } });
    expect(report.response).toEqual({ status: 200, body: { app: "stand-in", path: "/api/endpoint", user: expect.objectContaining({ username: "py_user000" }) } });
    expect(report.cookies).toEqual(["csrftoken", "sessionid"]);
  });
});

describe("seed 001: the documented requests", () => {
  it("obtains { refresh, access }, refreshes with the refresh token, and refuses wrong credentials", async () => {
    await existingUser("jwt_user001", "your_password", "jwt001@example.com");
    const user = { your_username: "jwt_user001" };
    const obtained = await sendHttp("001/token.http", app.url, user);
    expect(obtained.status).toBe(200);
    const pair = (await obtained.json()) as { refresh: string; access: string };
    expect(Object.keys(pair)).toEqual(["refresh", "access"]);

    const refreshed = await sendHttp("001/refresh.http", app.url, { your_refresh_token_here: pair.refresh });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(await refreshed.json())).toEqual(["access", "refresh"]);

    const wrong = await sendHttp("001/token.http", app.url, { ...user, your_password: "not_the_password" });
    expect([wrong.status, await wrong.json()]).toEqual([401, { detail: "No active account found with the given credentials" }]);
  });
});

describe("seed 003: raw HTTP, curl, TypeScript, Python and Go clients", () => {
  const RUNS_OK = (username: string) => ({ app: "stand-in", path: "/api/v1/runs", user: { user: expect.objectContaining({ username }) } });
  const UNAUTHORIZED = { error: "unauthorized", message: "Invalid or expired token", code: 401 };

  it("registers, logs in, calls the app, refreshes and logs out as the seed documents", async () => {
    const registered = await sendHttp("003/register.http", app.url);
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ user: { username: "testuser", email: "test@example.com" }, token: expect.any(String) });
    const login = await sendHttp("003/login.http", app.url);
    const { token, refresh_token, user } = (await login.json()) as { token: string; refresh_token: string; user: { created_at: string } };
    expect([login.status, user.created_at]).toEqual([200, expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);

    const runs = await sendHttp("003/runs.http", app.url, { "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...": token });
    expect([runs.status, await runs.json()]).toEqual([200, RUNS_OK("testuser")]);
    const dir = newWorkDir();
    const base = { "https://api.stroppy.io": app.url };
    for (const script of ["003/runs.sh", "003/runs-header.sh"]) {
      const result = await runCurl(script, dir, { ...base, YOUR_TOKEN_HERE: token, YOUR_TOKEN: token });
      expect([result.status, JSON.parse(result.body)]).toEqual([200, RUNS_OK("testuser")]);
    }
    // The seed's "don't do this": a token in the URL is not a credential here.
    const inUrl = await runCurl("003/token-in-url.sh", dir, { ...base, YOUR_TOKEN: token });
    expect([inUrl.status, JSON.parse(inUrl.body)]).toEqual([401, UNAUTHORIZED]);

    const refreshed = await sendHttp("003/refresh.http", app.url, { your_refresh_token_here: refresh_token });
    expect(refreshed.status).toBe(200);
    const logout = await sendHttp("003/logout.http", app.url, { YOUR_TOKEN_HERE: token });
    expect([logout.status, await logout.json()]).toEqual([200, { message: "Logged out" }]);
    const after = await runCurl("003/runs.sh", dir, { ...base, YOUR_TOKEN_HERE: token });
    expect([after.status, JSON.parse(after.body)]).toEqual([401, UNAUTHORIZED]);
  });

  it("the TypeScript StroppyAPI class logs in and makes a request (relative URLs resolve against the base, as in a page)", async () => {
    await existingUser("ts_user003", "securepassword123", "ts003@example.com");
    const js = transformSync(seedText("003/stroppy-api.ts", {}), { loader: "ts" }).code;
    const pageFetch = (input: string, init?: RequestInit) => fetch(new URL(input, app.url), init);
    const StroppyAPI = new Function("fetch", `${js}\nreturn StroppyAPI;`)(pageFetch);
    const api = new StroppyAPI();
    const data = await api.login("ts_user003", "securepassword123");
    expect(data).toMatchObject({ user: { username: "ts_user003" }, token: expect.any(String), refresh_token: expect.any(String) });
    const response: Response = await api.makeRequest("/api/v1/runs");
    expect([response.status, await response.json()]).toEqual([200, RUNS_OK("ts_user003")]);
  });

  it("the Python StroppyAPI class logs in and makes a request", async () => {
    await existingUser("py_user003", "securepassword123", "py003@example.com");
    const report = await runPython("003/stroppy_api.py", {}, `api = StroppyAPI(${JSON.stringify(app.url)})\nlogin = api.login("py_user003", "securepassword123")\nruns = api.make_request("/api/v1/runs")`);
    expect(report.runs).toEqual({ status: 200, body: RUNS_OK("py_user003") });
  });

  it("the Go StroppyAPI client (Debian's Go toolchain) logs in and makes a request", async () => {
    await existingUser("go_user003", "securepassword123", "go003@example.com");
    const exit = await run("go", ["run", ".", "go_user003", "securepassword123"], {
      cwd: path.join(SEEDS_DIR, "003/go"),
      timeout: 120_000,
      env: { ...process.env, BASE_URL: app.url, GOFLAGS: "-mod=mod", GOPROXY: "off", GOTOOLCHAIN: "local" },
    });
    expect([exit.status, exit.stderr]).toEqual([0, ""]);
    const result = JSON.parse(exit.stdout) as { token_set: boolean; status: number; body: string };
    expect([result.token_set, result.status, JSON.parse(result.body)]).toEqual([true, 200, RUNS_OK("go_user003")]);
  });
});
