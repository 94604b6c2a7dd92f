// POST /auth/logout's body is optional ({"all": true} or nothing). A bearer logout that sends no
// body at all (no Content-Type, no bytes: `curl -X POST -H "Authorization: Bearer …"`) is no form
// post and carries no CSRF risk, so it is accepted; a body of another type is still 415, and a
// cookie-authenticated logout keeps the JSON-only rule that a cross-site form cannot meet.
import { describe, expect, it } from "vitest";
import { realApp, registerUser, testEnv } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const UNSUPPORTED = { error: "unsupported_media_type", error_description: "Send the request body as application/json." };

async function expectJsonError(response: Response, status: number, body: unknown) {
  expect({ status: response.status, type: response.headers.get("Content-Type"), cache: response.headers.get("Cache-Control"), body: await response.json() }).toEqual({
    status,
    type: "application/json",
    cache: "no-store",
    body,
  });
}

describe("POST /auth/logout with no body", () => {
  it("accepts a bearer logout with no Content-Type and no bytes (204), and the token stops working", async () => {
    const { access_token } = await registerUser(request);
    const auth = { Authorization: `Bearer ${access_token}` };
    const logout = await request("/auth/logout", { method: "POST", headers: auth });
    expect({ status: logout.status, body: await logout.text() }).toEqual({ status: 204, body: "" });
    const me = await request("/auth/me", { headers: auth });
    await expectJsonError(me, 401, { error: "invalid_token", error_description: "The access token is invalid or has expired." });
  });

  it("accepts Content-Length: 0 sent explicitly", async () => {
    const { access_token } = await registerUser(request);
    const logout = await request("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${access_token}`, "Content-Length": "0" } });
    expect({ status: logout.status, body: await logout.text() }).toEqual({ status: 204, body: "" });
  });

  it("still answers 415 to a bearer logout whose body has another type, and the session survives", async () => {
    const { access_token } = await registerUser(request);
    const auth = { Authorization: `Bearer ${access_token}` };
    await expectJsonError(await request("/auth/logout", { method: "POST", headers: { ...auth, "Content-Type": "text/plain" }, body: "all" }), 415, UNSUPPORTED);
    await expectJsonError(await request("/auth/logout", { method: "POST", headers: { ...auth, "Content-Type": "application/x-www-form-urlencoded" }, body: "" }), 415, UNSUPPORTED);
    expect((await request("/auth/me", { headers: auth })).status).toBe(200);
  });

  it("keeps a cookie-authenticated logout JSON-only: no body is 415 and the session survives", async () => {
    const { access_token } = await registerUser(request);
    const cookie = { Cookie: `edge_access=${access_token}` };
    await expectJsonError(await request("/auth/logout", { method: "POST", headers: cookie }), 415, UNSUPPORTED);
    expect((await request("/auth/me", { headers: cookie })).status).toBe(200);
  });
});
