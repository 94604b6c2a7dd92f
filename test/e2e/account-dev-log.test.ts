// `npm start` without a delivery hook: ENVIRONMENT=development writes each message to the log, so
// a newcomer can follow the link. This drives the README's curl sequence (docs/accounts.md) with
// curl itself, reading the token from the worker's log as a person would.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedMessage as loggedFor } from "./dev-log";
import { startWorker, type RunningWorker } from "./worker";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.stop());

function curl(...args: string[]): { status: number; body: string } {
  const run = spawnSync("curl", ["-s", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const lines = run.stdout.trimEnd().split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

const json = (path: string, body: unknown, ...extra: string[]) => curl("-X", "POST", `${worker.url}${path}`, "-H", "Content-Type: application/json", "-d", JSON.stringify(body), ...extra);

const loggedMessage = (type: string, to: string) => loggedFor(worker, type, to);

describe("npm start without a delivery hook", () => {
  it("logs the verification and reset links, and their tokens work (the README's curl sequence)", async () => {
    const email = `alice${Date.now()}@example.com`;
    const registered = json("/auth/register", { username: email.split("@")[0], email, password: "correct horse battery staple" });
    expect(registered.status).toBe(201);
    const first = (JSON.parse(registered.body) as { access_token: string }).access_token;

    expect(json("/auth/email/verify/request", {}, "-H", `Authorization: Bearer ${first}`)).toEqual({ status: 202, body: "{}" });
    const verification = await loggedMessage("email_verification", email);
    // No APP_URL: the link names the worker itself, on whatever port it was reached.
    expect(verification.link).toBe(`${worker.url}/verify-email#token=${verification.token}`);
    const verified = json("/auth/email/verify", { token: verification.token });
    expect([verified.status, JSON.parse(verified.body).user.email_verified]).toEqual([200, true]);

    expect(json("/auth/password/forgot", { email })).toEqual({ status: 202, body: "{}" });
    const { token, link } = await loggedMessage("password_reset", email);
    expect(link).toBe(`${worker.url}/reset-password#token=${token}`);
    const reset = json("/auth/password/reset", { token, new_password: "a brand new passphrase 42" });
    expect(reset.status).toBe(200);
    const { access_token } = JSON.parse(reset.body) as { access_token: string };

    const changed = json("/auth/password", { current_password: "a brand new passphrase 42", new_password: "another new passphrase 43" }, "-H", `Authorization: Bearer ${access_token}`);
    expect(changed.status).toBe(200);
    const fresh = (JSON.parse(changed.body) as { access_token: string }).access_token;
    const deleted = curl("-X", "DELETE", `${worker.url}/auth/me`, "-H", "Content-Type: application/json", "-H", `Authorization: Bearer ${fresh}`, "-d", JSON.stringify({ password: "another new passphrase 43" }));
    expect(deleted).toEqual({ status: 204, body: "" });
  });
});
