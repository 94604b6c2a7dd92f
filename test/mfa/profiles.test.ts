// The profiles rule: a user with a second factor who logs in through a seed's
// dialect, which cannot ask for a second step, is refused in that dialect's own 401 shape with the
// documented message, no token and no cookie; MFA_PROFILES=allow lets the password alone in, audited.
import { describe, expect, it } from "vitest";
import { envWith, json, setCookies, STRONG_PASSWORD } from "../helpers";
import { enrolledUser, mfaApp } from "./support";

const MESSAGE = "This account uses a second factor, which this API cannot ask for. Sign in with POST /auth/login.";

const PROFILES: [name: string, path: string, body: unknown, challenge: string][] = [
  ["cookie-session", "/accounts/login/", { error: MESSAGE, status: 401 }, 'Session realm="edge-auth"'],
  ["simplejwt", "/api/token/", { detail: MESSAGE, code: "mfa_required" }, 'Bearer realm="api"'],
  ["bearer-api", "/api/auth/login", { detail: MESSAGE }, "Bearer"],
  ["v1-api", "/api/v1/auth/login", { error: "unauthorized", message: MESSAGE, code: 401 }, 'Bearer realm="edge-auth"'],
  ["session-api", "/api/login/", { detail: MESSAGE }, 'Session realm="edge-auth"'],
];

describe.each(PROFILES)("the %s profile", (profile, path, body, challenge) => {
  it("refuses a user with TOTP in its own 401 shape, with no token and no cookie", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const response = await app.send(path, json({ username: user.username, password: STRONG_PASSWORD }));
    expect([response.status, response.headers.get("WWW-Authenticate"), setCookies(response), await response.json()]).toEqual([401, challenge, [], body]);
    expect(app.audit.events.filter((e) => e.event === "mfa_profile_refused").map((e) => [e.userId, e.detail])).toEqual([[user.user.id, { profile }]]);
  });

  it("still answers a wrong password as before: the rule runs only after a correct one", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const response = await app.send(path, json({ username: user.username, password: "not the password" }));
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).not.toContain("second factor");
  });

  it("lets the password alone in with MFA_PROFILES=allow, and audits it", async () => {
    const allow = envWith({ PASSWORD_ITERATIONS: "1000", MFA_PROFILES: "allow" });
    const app = mfaApp(undefined, {}, allow);
    const user = await enrolledUser(app);
    const response = await app.send(path, json({ username: user.username, password: STRONG_PASSWORD }));
    expect(response.status).toBe(200);
    expect(app.audit.events.filter((e) => e.event === "mfa_profile_allowed").map((e) => [e.userId, e.detail])).toEqual([[user.user.id, { profile }]]);
  });
});

it("MFA_PROFILES accepts refuse or allow only; anything else makes the service unusable (fail closed)", async () => {
  const app = mfaApp(undefined, {}, envWith({ PASSWORD_ITERATIONS: "1000", MFA_PROFILES: "yes" }));
  const response = await app.send("/healthz");
  expect(response.status).toBe(503);
});
