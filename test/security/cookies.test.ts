// Cookie attributes over https (the e2e suite covers plain http): Secure is added, nothing else moves.
import { describe, expect, it } from "vitest";
import { json, realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

describe("cookie attributes over https", () => {
  it("marks both token cookies Secure, HttpOnly and SameSite=Strict", async () => {
    const response = await realApp.request("https://auth.test.example/auth/register", json({ username: uniqueName("https"), password: STRONG_PASSWORD }), testEnv);
    expect(response.status).toBe(201);
    expect(response.headers.getAll("Set-Cookie")).toEqual([
      expect.stringMatching(/^edge_access=[A-Za-z0-9._-]+; Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Strict$/),
      expect.stringMatching(/^edge_refresh=[A-Za-z0-9._-]+; Max-Age=120959[0-9]; Path=\/auth; HttpOnly; Secure; SameSite=Strict$/),
    ]);
  });
});
