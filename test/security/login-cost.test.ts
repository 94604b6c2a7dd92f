// Enumeration by timing across parameter changes: the README invites raising PASSWORD_ITERATIONS
// or switching PASSWORD_HASH, after which accounts keep their old hashes until they next log in.
// A failed login must then cost what an unknown user's costs (the current settings' class), not
// the stored hash's. Counted through crypto.subtle.deriveBits (each PBKDF2 run and its
// parameters), never by wall time.
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashPassword } from "../../src/passwords/kdf";
import { envWith, json, memoryApp, registerUser, STRONG_PASSWORD, TestClock, uniqueName } from "../helpers";

afterEach(() => vi.restoreAllMocks());

const INVALID = { error: "invalid_credentials", error_description: "The username/email or password is incorrect." };
// Current settings: PBKDF2-SHA-512 at 2,000 iterations. SHA-512 costs about 3 SHA-256 iterations.
const env = envWith({ PASSWORD_HASH: "pbkdf2_sha512", PASSWORD_ITERATIONS: "2000" });
const UNITS_PER_ITERATION: Record<string, number> = { "SHA-256": 1, "SHA-512": 3 };

async function pbkdf2RunsOf(send: () => Promise<Response> | Response) {
  const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
  const response = await send();
  const runs = deriveBits.mock.calls
    .map(([algorithm]) => algorithm as { name: string; hash: string; iterations: number })
    .filter((a) => a.name === "PBKDF2")
    .map((a) => [a.hash, a.iterations] as const);
  deriveBits.mockRestore();
  return { status: response.status, body: await response.json(), runs, units: runs.reduce((sum, [hash, n]) => sum + n * UNITS_PER_ITERATION[hash]!, 0) };
}

describe("a failed login costs the current settings' class, whatever the stored hash's parameters", () => {
  it.each([
    ["current parameters", null, [["SHA-512", 2000]]],
    ["fewer iterations", { algorithm: "pbkdf2_sha512", iterations: 500 }, [["SHA-512", 500], ["SHA-512", 1500]]],
    ["the cheaper hash", { algorithm: "pbkdf2_sha256", iterations: 3000 }, [["SHA-256", 3000], ["SHA-512", 1000]]],
  ] as const)("an account stored with %s answers a wrong password after the work an unknown user gets", async (_label, stored, runs) => {
    const h = memoryApp(new TestClock());
    const request = (path: string, init?: RequestInit) => h.request(path, init, env);
    const { user, username } = await registerUser(request);
    if (stored) {
      const rows = (h.stores.users as unknown as { rows: Map<string, { passwordHash: string }> }).rows;
      rows.get(user.id)!.passwordHash = await hashPassword(STRONG_PASSWORD, stored);
    }
    const unknown = await pbkdf2RunsOf(() => request("/auth/login", json({ username: uniqueName("ghost"), password: "not the password at all" })));
    const wrong = await pbkdf2RunsOf(() => request("/auth/login", json({ username, password: "not the password at all" })));

    expect(unknown).toEqual({ status: 401, body: INVALID, runs: [["SHA-512", 2000]], units: 6000 });
    expect(wrong).toEqual({ status: 401, body: INVALID, runs, units: 6000 });
  });
});
