import { describe, expect, it, vi } from "vitest";
import * as kdf from "../../src/passwords/kdf";
import { envWith, json, memoryApp, registerUser, setCookies, STRONG_PASSWORD, TestClock, uniqueName } from "../helpers";

const INVALID = { error: "invalid_credentials", error_description: "The username/email or password is incorrect." };

describe("login", () => {
  it("gives a disabled account the same answer as a wrong password, after verifying the password", async () => {
    const h = memoryApp(new TestClock());
    const { user, username } = await registerUser(h.request);
    const row = (h.stores.users as unknown as { rows: Map<string, { isActive: boolean }> }).rows.get(user.id)!;
    row.isActive = false;
    const disabled = await h.request("/auth/login", json({ username, password: STRONG_PASSWORD }));
    const wrong = await h.request("/auth/login", json({ username, password: "wrong password here" }));
    expect([disabled.status, await disabled.json()]).toEqual([401, INVALID]);
    expect([wrong.status, await wrong.json()]).toEqual([401, INVALID]);
  });

  it("rehashes a password stored with older parameters on the next successful login", async () => {
    const h = memoryApp(new TestClock());
    const { user, username } = await registerUser(h.request, uniqueName(), );
    const rows = (h.stores.users as unknown as { rows: Map<string, { passwordHash: string }> }).rows;
    rows.get(user.id)!.passwordHash = await kdf.hashPassword(STRONG_PASSWORD, { algorithm: "pbkdf2_sha256", iterations: 1000 });
    const login = await h.request("/auth/login", json({ username, password: STRONG_PASSWORD }));
    expect(login.status).toBe(200);
    expect(rows.get(user.id)!.passwordHash).toMatch(/^pbkdf2_sha512\$100000\$/);
    expect((await h.request("/auth/login", json({ username, password: STRONG_PASSWORD }))).status).toBe(200);
  });

  it("refuses registration when REGISTRATION is closed, before hashing", async () => {
    const h = memoryApp(new TestClock());
    const response = await h.request("/auth/register", json({ username: uniqueName(), password: STRONG_PASSWORD }), envWith({ REGISTRATION: "closed" }));
    expect([response.status, await response.json()]).toEqual([403, { error: "forbidden", error_description: "Registration is closed." }]);
  });

  it("logs no password, token or secret", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    const spies = [vi.spyOn(console, "log").mockImplementation(capture), vi.spyOn(console, "warn").mockImplementation(capture), vi.spyOn(console, "error").mockImplementation(capture)];
    const h = memoryApp(new TestClock());
    const registered = await registerUser(h.request);
    await h.request("/auth/login", json({ username: registered.username, password: "wrong password here" }));
    await h.request("/auth/refresh", json({ refresh_token: registered.refresh_token }));
    await h.request("/auth/logout", json({}, { headers: { Authorization: `Bearer ${registered.access_token}` } }));
    spies.forEach((s) => s.mockRestore());
    const logged = lines.join("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [STRONG_PASSWORD, "wrong password here", registered.refresh_token, registered.access_token, registered.refresh_token.split(".")[2]!]) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe("native cookies", () => {
  it("sets HttpOnly SameSite=Strict token cookies in cookie mode, __Host- and Secure over https", async () => {
    const h = memoryApp(new TestClock());
    const username = uniqueName();
    const response = await h.app.request("https://auth.example/auth/register", json({ username, password: STRONG_PASSWORD, mode: "cookie" }), envWith({}));
    const cookies = setCookies(response);
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^__Host-edge_access=[^;]+; Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookies[1]).toMatch(/^__Host-edge_refresh=[^;]+; Max-Age=1209600; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it("refreshes and logs out by cookie, and refuses a cookie-authenticated request from a foreign origin", async () => {
    const h = memoryApp(new TestClock());
    const registered = await registerUser(h.request);
    const cookie = `edge_access=${registered.access_token}; edge_refresh=${registered.refresh_token}`;
    const foreign = await h.request("/auth/refresh", json({}, { headers: { Cookie: cookie, Origin: "https://evil.example" } }));
    expect([foreign.status, await foreign.json()]).toEqual([403, { error: "forbidden", error_description: "Cross-origin requests authenticated by cookie are not allowed from this origin." }]);

    const me = await h.request("/auth/me", { headers: { Cookie: cookie } });
    expect(me.status).toBe(200);
    const refreshed = await h.request("/auth/refresh", json({}, { headers: { Cookie: cookie, Origin: "http://localhost" } }));
    expect(refreshed.status).toBe(200);
    expect(setCookies(refreshed)[1]).toMatch(/^edge_refresh=[^;]+\.1\./);

    const logoutForeign = await h.request("/auth/logout", json({}, { headers: { Cookie: cookie, Origin: "https://evil.example" } }));
    expect(logoutForeign.status).toBe(403);
    const logout = await h.request("/auth/logout", json({}, { headers: { Cookie: cookie } }));
    expect(logout.status).toBe(204);
    expect(setCookies(logout)).toEqual([
      "edge_access=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict",
      "edge_refresh=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Strict",
    ]);
  });
});
