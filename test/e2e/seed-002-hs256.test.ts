// Seed 002 configured as it documents itself: JWT_ALGORITHM=HS256 with JWT_SECRET_KEY, and
// JWT_EXPIRATION left unset (3600 s for this profile). Its requests, curl and Python examples run
// unchanged; an independent verifier (PyJWT, Debian's python3-jwt) checks the token with the secret.
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWorkDir, PYTHON, run, runCurl, runPython, sendHttp } from "../seeds/run";
import { startSeedStack, type StandInApp } from "../seeds/stand-in-app";

// The seed's own "your-secret-key-here" is 20 bytes: under RFC 7518 §3.2's 32, so it is refused.
const SECRET = "a-seed-002-secret-of-at-least-32-bytes";
let app: StandInApp;
let stack: Awaited<ReturnType<typeof startSeedStack>>;
beforeAll(async () => {
  stack = await startSeedStack({ JWT_ALGORITHM: "HS256", JWT_SECRET_KEY: SECRET });
  ({ app } = stack);
});
afterAll(() => stack?.stop());

describe("seed 002 with HS256", () => {
  it("registers and logs in with the seed's requests; the token is HS256 with a 3600 s lifetime", async () => {
    const registered = await sendHttp("002/register.http", app.url);
    expect(registered.status).toBe(201);
    expect(await registered.json()).toEqual({ user_id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: "user@example.com", email: "user@example.com" });

    const login = await sendHttp("002/login.http", app.url);
    expect(login.status).toBe(200);
    const body = (await login.json()) as { access_token: string };
    expect(body).toEqual({ access_token: expect.any(String), token_type: "bearer", expires_in: 3600 });
    const { payload, protectedHeader } = await jwtVerify(body.access_token, new TextEncoder().encode(SECRET), { algorithms: ["HS256"] });
    expect([protectedHeader.alg, payload.exp! - payload.iat!, payload.username]).toEqual(["HS256", 3600, "user@example.com"]);

    const pyjwt = await run(PYTHON, ["-c", "import jwt,sys; print(jwt.decode(sys.argv[1], sys.argv[2], algorithms=['HS256'], audience='edge-auth-local')['username'])", body.access_token, SECRET]);
    expect([pyjwt.status, pyjwt.stdout.trim()]).toEqual([0, "user@example.com"]);

    const search = await runCurl("002/search.sh", newWorkDir(), { "https://api.example.com": app.url, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...": body.access_token });
    expect(search.status).toBe(200);
    expect(JSON.parse(search.body)).toMatchObject({ app: "stand-in", path: "/api/search", user: { username: "user@example.com" } });
  });

  it("the Python client obtains a token and calls the app; a forged token gets the seed's 401", async () => {
    const email = "py002@example.com";
    const registered = await fetch(`${app.url}/api/auth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: email, email, password: "secure_password" }) });
    expect(registered.status).toBe(201);
    const report = await runPython("002/client.py", { "https://api.example.com": app.url, '"user@example.com"': JSON.stringify(email) });
    expect(report.login_response).toEqual({ status: 200, body: { access_token: expect.any(String), token_type: "bearer", expires_in: 3600 } });
    expect(report.response).toMatchObject({ status: 200, body: { app: "stand-in", user: { username: email } } });

    const forged = await runCurl("002/search.sh", newWorkDir(), { "https://api.example.com": app.url, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...": report.login_response.body.access_token.slice(0, -3) + "abc" });
    expect([forged.status, JSON.parse(forged.body)]).toEqual([401, { detail: "Invalid authentication credentials" }]);
    const missing = await fetch(`${app.url}/api/search`, { method: "POST" });
    expect([missing.status, await missing.json()]).toEqual([401, { detail: "Not authenticated" }]);
  });
});
