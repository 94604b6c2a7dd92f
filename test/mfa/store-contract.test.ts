// One contract for the MfaStore's D1 adapter and its memory twin (migration 0010): pending versus
// confirmed TOTP, the replay guard, recovery codes used once, challenges consumed once and expiring,
// the admin reset; and on D1, single use under concurrent requests.
import { describe, expect, it } from "vitest";
import { d1MfaStore } from "../../src/storage/d1-mfa";
import { d1UserStore } from "../../src/storage/d1-users";
import { memoryMfaStore } from "../../src/storage/memory-mfa";
import { memoryUserStore } from "../../src/storage/memory";
import type { AuditEvent, MfaChallenge, MfaStore, UserStore } from "../../src/storage/ports";
import { testEnv, uniqueName } from "../helpers";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const event = (name: AuditEvent["event"], userId: string): AuditEvent => ({ at: new Date(T0).toISOString(), event: name, userId, subject: null, ip: null, detail: {} });

interface Stack {
  users: UserStore;
  mfa: MfaStore;
  events(userId: string): Promise<string[]>;
}

const stacks: [string, () => Stack][] = [
  ["D1 adapter", () => ({
    users: d1UserStore(testEnv.DB),
    mfa: d1MfaStore(testEnv.DB),
    events: async (userId) => (await testEnv.DB.prepare("SELECT event FROM audit_events WHERE user_id = ? ORDER BY id").bind(userId).all<{ event: string }>()).results.map((r) => r.event),
  })],
  ["memory twin", () => {
    const mfa = memoryMfaStore();
    return { users: memoryUserStore(), mfa, events: async (userId) => mfa.audit.events.filter((e) => e.userId === userId).map((e) => e.event) };
  }],
];

async function newUser(stack: Stack): Promise<string> {
  const username = uniqueName("mfa");
  const id = crypto.randomUUID();
  const at = "2026-11-25T00:00:00.000Z";
  await stack.users.create({ id, username, email: null, emailVerified: false, passwordHash: "x", roles: [], isActive: true, tokenVersion: 0, createdAt: at, updatedAt: at, lastLoginAt: null }, { username, email: null });
  return id;
}

const hashes = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}-${crypto.randomUUID()}-${i}`);

describe.each(stacks)("MfaStore contract: %s", (_, make) => {
  it("keeps TOTP pending until confirmed; a new enrollment replaces a pending one, never a confirmed one", async () => {
    const stack = make();
    const id = await newUser(stack);
    expect(await stack.mfa.putPendingTotp(id, "sealed-1", T0)).toBe("pending");
    expect(await stack.mfa.factors(id)).toEqual({ totp: false, recoveryCodes: 0 });
    expect(await stack.mfa.putPendingTotp(id, "sealed-2", T0 + 1)).toBe("pending");
    expect(await stack.mfa.confirmTotp(id, "sealed-1", 100, hashes("a"), T0 + 2, event("mfa_totp_enabled", id))).toBe(false);
    expect(await stack.mfa.confirmTotp(id, "sealed-2", 100, hashes("b"), T0 + 2, event("mfa_totp_enabled", id))).toBe(true);
    expect(await stack.mfa.confirmTotp(id, "sealed-2", 101, hashes("c"), T0 + 3, event("mfa_totp_enabled", id))).toBe(false);
    expect(await stack.mfa.putPendingTotp(id, "sealed-3", T0 + 4)).toBe("confirmed");
    expect(await stack.mfa.findTotp(id)).toEqual({ userId: id, secret: "sealed-2", createdAt: T0 + 1, confirmedAt: T0 + 2, lastStep: 100 });
    expect(await stack.mfa.factors(id)).toEqual({ totp: true, recoveryCodes: 10 });
    expect(await stack.events(id)).toEqual(["mfa_totp_enabled"]);
  });

  it("accepts each time step once, and only later ones", async () => {
    const stack = make();
    const id = await newUser(stack);
    expect(await stack.mfa.acceptTotpStep(id, 5)).toBe(false); // no confirmed factor
    await stack.mfa.putPendingTotp(id, "s", T0);
    await stack.mfa.confirmTotp(id, "s", 100, [], T0, event("mfa_totp_enabled", id));
    expect(await stack.mfa.acceptTotpStep(id, 100)).toBe(false);
    expect(await stack.mfa.acceptTotpStep(id, 99)).toBe(false);
    expect(await stack.mfa.acceptTotpStep(id, 101)).toBe(true);
    expect(await stack.mfa.acceptTotpStep(id, 101)).toBe(false);
    expect(await stack.mfa.reencryptTotp(id, "other", "t")).toBe(false);
    expect(await stack.mfa.reencryptTotp(id, "s", "t")).toBe(true);
    expect((await stack.mfa.findTotp(id))?.secret).toBe("t");
  });

  it("uses a recovery code once, only for its owner; replacing the set drops the old codes", async () => {
    const stack = make();
    const [id, other] = [await newUser(stack), await newUser(stack)];
    const first = hashes("r");
    await stack.mfa.replaceRecoveryCodes(id, first, T0, event("mfa_recovery_codes_regenerated", id));
    expect(await stack.mfa.useRecoveryCode(other, first[0]!, T0, event("mfa_recovery_code_used", other))).toBe(false);
    expect(await stack.mfa.useRecoveryCode(id, first[0]!, T0, event("mfa_recovery_code_used", id))).toBe(true);
    expect(await stack.mfa.useRecoveryCode(id, first[0]!, T0, event("mfa_recovery_code_used", id))).toBe(false);
    expect((await stack.mfa.factors(id)).recoveryCodes).toBe(9);
    await stack.mfa.replaceRecoveryCodes(id, hashes("s"), T0, event("mfa_recovery_codes_regenerated", id));
    expect(await stack.mfa.useRecoveryCode(id, first[1]!, T0, event("mfa_recovery_code_used", id))).toBe(false);
    expect((await stack.mfa.factors(id)).recoveryCodes).toBe(10);
    expect(await stack.events(id)).toEqual(["mfa_recovery_codes_regenerated", "mfa_recovery_code_used", "mfa_recovery_codes_regenerated"]);
    expect(await stack.events(other)).toEqual([]);
  });

  it("finds a challenge without consuming it, consumes it once, and not after it expires", async () => {
    const stack = make();
    const id = await newUser(stack);
    const challenge: MfaChallenge = { tokenHash: `h-${crypto.randomUUID()}`, userId: id, tokenVersion: 3, mode: "cookie", expiresAt: T0 + 300_000 };
    await stack.mfa.issueChallenge(challenge, T0, event("mfa_challenge_issued", id));
    expect(await stack.mfa.findChallenge(challenge.tokenHash, T0)).toEqual(challenge);
    expect(await stack.mfa.findChallenge(challenge.tokenHash, T0 + 300_000)).toBeNull();
    expect(await stack.mfa.consumeChallenge(challenge.tokenHash, T0 + 300_000)).toBeNull();
    expect(await stack.mfa.consumeChallenge(challenge.tokenHash, T0 + 1)).toEqual(challenge);
    expect(await stack.mfa.consumeChallenge(challenge.tokenHash, T0 + 1)).toBeNull();
  });

  it("removes TOTP (with or without the codes) and resets everything for an admin", async () => {
    const stack = make();
    const id = await newUser(stack);
    await stack.mfa.putPendingTotp(id, "s", T0);
    await stack.mfa.confirmTotp(id, "s", 1, hashes("k"), T0, event("mfa_totp_enabled", id));
    expect(await stack.mfa.removeTotp(id, false, event("mfa_totp_disabled", id))).toBe(true);
    expect(await stack.mfa.removeTotp(id, true, event("mfa_totp_disabled", id))).toBe(false);
    expect(await stack.mfa.factors(id)).toEqual({ totp: false, recoveryCodes: 10 });
    const challenge: MfaChallenge = { tokenHash: `h-${crypto.randomUUID()}`, userId: id, tokenVersion: 0, mode: "token", expiresAt: T0 + 300_000 };
    await stack.mfa.issueChallenge(challenge, T0, event("mfa_challenge_issued", id));
    await stack.mfa.resetAll(id, event("admin_mfa_reset", id));
    expect(await stack.mfa.factors(id)).toEqual({ totp: false, recoveryCodes: 0 });
    expect(await stack.mfa.findChallenge(challenge.tokenHash, T0)).toBeNull();
    expect(await stack.events(id)).toEqual(["mfa_totp_enabled", "mfa_totp_disabled", "mfa_challenge_issued", "admin_mfa_reset"]);
  });
});

describe("MfaStore on D1: single use under concurrency", () => {
  it("of 10 concurrent consumers of one challenge, recovery code or time step, exactly one wins; one confirmation writes one code set", async () => {
    const mfa = d1MfaStore(testEnv.DB);
    const users = d1UserStore(testEnv.DB);
    const id = await newUser({ users, mfa, events: async () => [] });
    const codes = hashes("c");
    await mfa.putPendingTotp(id, "s", T0);
    const confirmations = await Promise.all(Array.from({ length: 10 }, (_, i) => mfa.confirmTotp(id, "s", 100, i === 0 ? codes : hashes(`x${i}`), T0, event("mfa_totp_enabled", id))));
    expect(confirmations.filter(Boolean)).toHaveLength(1);
    expect((await mfa.factors(id)).recoveryCodes).toBe(10);
    const enabled = await testEnv.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE user_id = ? AND event = 'mfa_totp_enabled'").bind(id).first<{ n: number }>();
    expect(enabled).toEqual({ n: 1 });

    const challenge: MfaChallenge = { tokenHash: `h-${crypto.randomUUID()}`, userId: id, tokenVersion: 0, mode: "token", expiresAt: T0 + 300_000 };
    await mfa.issueChallenge(challenge, T0, event("mfa_challenge_issued", id));
    const consumed = await Promise.all(Array.from({ length: 10 }, () => mfa.consumeChallenge(challenge.tokenHash, T0)));
    expect(consumed.filter(Boolean)).toHaveLength(1);

    const [winner] = (await testEnv.DB.prepare("SELECT code_hash FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL LIMIT 1").bind(id).all<{ code_hash: string }>()).results;
    const used = await Promise.all(Array.from({ length: 10 }, () => mfa.useRecoveryCode(id, winner!.code_hash, T0, event("mfa_recovery_code_used", id))));
    expect(used.filter(Boolean)).toHaveLength(1);
    const usedRows = await testEnv.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE user_id = ? AND event = 'mfa_recovery_code_used'").bind(id).first<{ n: number }>();
    expect(usedRows).toEqual({ n: 1 });

    const steps = await Promise.all(Array.from({ length: 10 }, () => mfa.acceptTotpStep(id, 101)));
    expect(steps.filter(Boolean)).toHaveLength(1);
  });
});
