// The common-password list is Django's order of magnitude (15,073 entries the other rules do not
// already refuse, from a 49,233-entry frequency list) and every registration path consults it
// under the strict policy. It lives in D1 (migration 0004), so the bundle carries none of it.
import { describe, expect, it } from "vitest";
import { json, realApp, testEnv, uniqueName } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const TOO_COMMON = "This password is too common.";
// Entry 15,000 of the 15,073 stored, near the bottom of the frequency ranking.
const DEEP_IN_THE_LIST = "Krishnan";
const PASSPHRASE = "velvet orbit cactus lantern";

describe("the common-password list", () => {
  it("holds 15,073 entries, lower-cased, none shorter than 8 characters or all digits", async () => {
    const stats = await testEnv.DB.prepare(
      "SELECT COUNT(*) AS n, SUM(length(password) < 8) AS short, SUM(password GLOB '[0-9]*' AND password NOT GLOB '*[^0-9]*') AS numeric, SUM(password <> lower(password)) AS upper FROM common_passwords",
    ).first();
    expect(stats).toEqual({ n: 15073, short: 0, numeric: 0, upper: 0 });
  });

  it.each([
    ["/auth/register", 400, { error: "invalid_request", error_description: "The request has invalid fields.", fields: { password: TOO_COMMON } }],
    ["/api/v1/auth/register", 400, { error: "bad_request", message: "The request has invalid fields.", code: 400, fields: { password: TOO_COMMON } }],
    ["/api/auth/register", 422, { detail: [{ type: "value_error", loc: ["body", "password"], msg: TOO_COMMON }] }],
    ["/api/register/", 400, { password: [TOO_COMMON] }],
  ])("%s refuses a password from deep in the list with Django's message", async (path, status, body) => {
    const response = await request(path, json({ username: uniqueName("common"), password: DEEP_IN_THE_LIST, password2: DEEP_IN_THE_LIST }));
    expect([response.status, await response.json()]).toEqual([status, body]);
  });

  it.each(["/auth/register", "/api/v1/auth/register", "/api/auth/register", "/api/register/"])("%s accepts a passphrase that is not on it", async (path) => {
    const response = await request(path, json({ username: uniqueName("strong"), password: PASSPHRASE, password2: PASSPHRASE }));
    expect(response.status).toBe(201);
  });
});
