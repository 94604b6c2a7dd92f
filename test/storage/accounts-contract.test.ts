// One contract for the AccountStore's D1 adapter and its memory twin (migration 0007): tokens are
// stored by hash, superseded by a newer one, redeemed once, and every write lands with its audit
// row or not at all.
import { describe, expect, it } from "vitest";
import { d1AccountStore } from "../../src/storage/d1-accounts";
import { d1AuditStore } from "../../src/storage/d1-security";
import { d1UserStore } from "../../src/storage/d1-users";
import { memoryAccountStore } from "../../src/storage/memory-accounts";
import { memoryUserStore } from "../../src/storage/memory";
import { memoryAuditStore } from "../../src/storage/memory-security";
import type { AccountStore, AccountToken, AuditEvent, UserRecord, UserStore } from "../../src/storage/ports";
import { testEnv, uniqueName } from "../helpers";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

interface Stack {
  users: UserStore;
  accounts: AccountStore;
  /** The audit rows recorded for this user id (or pseudonym), oldest first, as event names. */
  events(userId: string): Promise<string[]>;
}

const stacks: [string, () => Stack][] = [
  ["D1 adapter", () => ({
    users: d1UserStore(testEnv.DB),
    accounts: d1AccountStore(testEnv.DB),
    events: async (userId) => (await testEnv.DB.prepare("SELECT event FROM audit_events WHERE user_id = ? ORDER BY id").bind(userId).all<{ event: string }>()).results.map((r) => r.event),
  })],
  ["memory twin", () => {
    const users = memoryUserStore();
    const audit = memoryAuditStore();
    return { users, accounts: memoryAccountStore(users, audit), events: async (userId) => audit.events.filter((e) => e.userId === userId).map((e) => e.event) };
  }],
];

async function newUser(stack: Stack): Promise<UserRecord> {
  const username = uniqueName("acct");
  const user: UserRecord = {
    id: crypto.randomUUID(), username, email: `${username}@Example.com`, emailVerified: false, passwordHash: "pbkdf2_sha256$1000$AAAA$AAAA",
    roles: [], isActive: true, tokenVersion: 0, createdAt: "2026-11-25T00:00:00.000Z", updatedAt: "2026-11-25T00:00:00.000Z", lastLoginAt: null,
  };
  expect(await stack.users.create(user, { username: username.toLowerCase(), email: `${username}@example.com`.toLowerCase() })).toBe("created");
  return user;
}

const event = (name: AuditEvent["event"], userId: string | null, at = T0): AuditEvent => ({ at: new Date(at).toISOString(), event: name, userId, subject: null, ip: null, detail: {} });

function token(user: UserRecord, purpose: AccountToken["purpose"], at = T0): AccountToken {
  return { tokenHash: `hash-${crypto.randomUUID()}`, userId: user.id, purpose, email: user.email!.toLowerCase(), createdAt: at, expiresAt: at + 30 * 60_000, usedAt: null };
}

const REQUESTED = { password_reset: "password_reset_requested", email_verification: "email_verification_requested" } as const;

/** Issues `t` for its user with the request event of its purpose and the one-minute resend rule. */
const issue = (stack: Stack, t: AccountToken) => stack.accounts.issueToken(t.userId, t, 60_000, event(REQUESTED[t.purpose], t.userId));

describe.each(stacks)("AccountStore contract: %s", (_, make) => {
  it("issues a token findable by its hash, and a newer one supersedes it", async () => {
    const stack = make();
    const user = await newUser(stack);
    const first = token(user, "password_reset");
    expect(await issue(stack, first)).toBe("issued");
    expect(await stack.accounts.findToken(first.tokenHash)).toEqual(first);
    const second = token(user, "password_reset", T0 + 61_000);
    expect(await issue(stack, second)).toBe("issued");
    expect(await stack.accounts.findToken(first.tokenHash)).toBeNull();
    expect(await stack.accounts.findToken(second.tokenHash)).toEqual(second);
    expect(await stack.events(user.id)).toEqual(["password_reset_requested", "password_reset_requested"]);
  });

  it("keeps an unused token younger than the resend interval (too_soon) but still records the request", async () => {
    const stack = make();
    const user = await newUser(stack);
    const first = token(user, "password_reset");
    await issue(stack, first);
    const early = token(user, "password_reset", T0 + 59_000);
    expect(await issue(stack, early)).toBe("too_soon");
    expect(await stack.accounts.findToken(early.tokenHash)).toBeNull();
    expect(await stack.accounts.findToken(first.tokenHash)).toEqual(first);
    expect(await stack.events(user.id)).toEqual(["password_reset_requested", "password_reset_requested"]);
  });

  it("keeps one token per purpose: a verification token does not supersede a reset token", async () => {
    const stack = make();
    const user = await newUser(stack);
    const reset = token(user, "password_reset");
    const verify = token(user, "email_verification");
    await issue(stack, reset);
    await issue(stack, verify);
    expect([await stack.accounts.findToken(reset.tokenHash), await stack.accounts.findToken(verify.tokenHash)]).toEqual([reset, verify]);
  });

  it("redeems a reset token once: new hash, token_version + 1, email verified, audited; the second redemption gets null", async () => {
    const stack = make();
    const user = await newUser(stack);
    const reset = token(user, "password_reset");
    await issue(stack, reset);
    const at = T0 + 60_000;
    const [a, b] = await Promise.all([
      stack.accounts.redeemReset(user.id, reset.tokenHash, "pbkdf2_sha256$1000$BBBB$BBBB", at, event("password_reset", user.id, at)),
      stack.accounts.redeemReset(user.id, reset.tokenHash, "pbkdf2_sha256$1000$CCCC$CCCC", at, event("password_reset", user.id, at)),
    ]);
    const winner = a ?? b;
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
    expect(winner).toEqual({ ...user, passwordHash: winner!.passwordHash, tokenVersion: 1, emailVerified: true, updatedAt: new Date(at).toISOString() });
    expect(await stack.users.findById(user.id)).toEqual(winner);
    expect(await stack.accounts.findToken(reset.tokenHash)).toEqual({ ...reset, usedAt: at });
    expect(await stack.events(user.id)).toEqual(["password_reset_requested", "password_reset"]);
  });

  it("refuses an expired token, another user's token and a token of the other purpose, writing nothing", async () => {
    const stack = make();
    const user = await newUser(stack);
    const other = await newUser(stack);
    const reset = token(user, "password_reset");
    const verify = token(user, "email_verification");
    await issue(stack, reset);
    await issue(stack, verify);
    const expired = reset.expiresAt;
    expect(await stack.accounts.redeemReset(user.id, reset.tokenHash, "x", expired, event("password_reset", user.id))).toBeNull();
    expect(await stack.accounts.redeemReset(other.id, reset.tokenHash, "x", T0 + 1, event("password_reset", other.id))).toBeNull();
    expect(await stack.accounts.redeemReset(user.id, verify.tokenHash, "x", T0 + 1, event("password_reset", user.id))).toBeNull();
    expect(await stack.users.findById(user.id)).toEqual(user);
    expect(await stack.accounts.findToken(reset.tokenHash)).toEqual(reset);
    expect(await stack.events(user.id)).toEqual(["password_reset_requested", "email_verification_requested"]);
  });

  it("verifies the email once, only while the token's address is still the account's", async () => {
    const stack = make();
    const user = await newUser(stack);
    const verify = token(user, "email_verification");
    await issue(stack, verify);
    const verified = await stack.accounts.redeemVerification(user.id, verify.tokenHash, T0 + 1, event("email_verified", user.id));
    expect(verified).toEqual({ ...user, emailVerified: true, updatedAt: new Date(T0 + 1).toISOString() });
    expect(await stack.accounts.redeemVerification(user.id, verify.tokenHash, T0 + 2, event("email_verified", user.id))).toBeNull();

    const changed = await newUser(stack);
    const stale = token(changed, "email_verification");
    await issue(stack, stale);
    const address = `new-${changed.username}@example.com`;
    // As PATCH /admin/users/{id} changes an email (src/admin/users.ts): the address moves, unverified.
    await stack.users.update(changed.id, { email: { email: address, normalized: address }, emailVerified: false }, "2026-11-25T01:00:00.000Z", []);
    expect(await stack.accounts.redeemVerification(changed.id, stale.tokenHash, T0 + 1, event("email_verified", changed.id))).toBeNull();
    expect((await stack.users.findById(changed.id))?.emailVerified).toBe(false);
    expect(await stack.events(user.id)).toEqual(["email_verification_requested", "email_verified"]);
  });

  it("changes the password with token_version + 1 and its audit row, and a reset token sent before stops working", async () => {
    const stack = make();
    const user = await newUser(stack);
    const reset = token(user, "password_reset");
    const verify = token(user, "email_verification");
    await issue(stack, reset);
    await issue(stack, verify);
    const changed = await stack.accounts.changePassword(user.id, "pbkdf2_sha256$1000$DDDD$DDDD", event("password_changed", user.id));
    expect(changed).toEqual({ ...user, passwordHash: "pbkdf2_sha256$1000$DDDD$DDDD", tokenVersion: 1, updatedAt: new Date(T0).toISOString() });
    expect(await stack.accounts.changePassword(crypto.randomUUID(), "x", event("password_changed", null))).toBeNull();
    expect([await stack.accounts.findToken(reset.tokenHash), await stack.accounts.findToken(verify.tokenHash)]).toEqual([null, verify]);
    expect(await stack.events(user.id)).toEqual(["password_reset_requested", "email_verification_requested", "password_changed"]);
  });

  it("erases the user, its identifiers and tokens, and keeps its audit rows under the pseudonym only", async () => {
    const stack = make();
    const user = await newUser(stack);
    const reset = token(user, "password_reset");
    await issue(stack, reset);
    const pseudonym = `pseudo-${crypto.randomUUID()}`;
    expect(await stack.accounts.erase(user.id, pseudonym, event("account_deleted", pseudonym))).toBe(true);
    expect(await stack.users.findById(user.id)).toBeNull();
    expect(await stack.users.findByIdentifier(user.username.toLowerCase())).toBeNull();
    expect(await stack.users.findByIdentifier(user.email!.toLowerCase())).toBeNull();
    expect(await stack.accounts.findToken(reset.tokenHash)).toBeNull();
    expect(await stack.events(user.id)).toEqual([]);
    expect(await stack.events(pseudonym)).toEqual(["password_reset_requested", "account_deleted"]);
    expect(await stack.accounts.erase(user.id, pseudonym, event("account_deleted", pseudonym))).toBe(false);
    expect(await stack.events(pseudonym)).toEqual(["password_reset_requested", "account_deleted"]);
  });
});

describe("D1 audit store and the account store share the audit table", () => {
  it("an erased user's earlier audit rows (written by other ports) are rewritten to the pseudonym", async () => {
    const stack = stacks[0]![1]();
    const user = await newUser(stack);
    await d1AuditStore(testEnv.DB).record(event("login_success", user.id));
    const pseudonym = `pseudo-${crypto.randomUUID()}`;
    await stack.accounts.erase(user.id, pseudonym, event("account_deleted", pseudonym));
    expect(await stack.events(user.id)).toEqual([]);
    expect(await stack.events(pseudonym)).toEqual(["login_success", "account_deleted"]);
  });
});
