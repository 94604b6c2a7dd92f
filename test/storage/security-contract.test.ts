// The D1 LoginAttemptStore/AuditStore and their memory twins, held to the same behaviour: the
// backoff computed in SQL must equal lockout-policy.ts, event for event.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1AuditStore, d1LoginAttemptStore } from "../../src/storage/d1-security";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import type { AuditEvent, LoginAttemptStore } from "../../src/storage/ports";
import { LOCKOUT } from "../../src/throttling/lockout-policy";

const event = (name: AuditEvent["event"], subject: string): AuditEvent => ({ at: "2026-11-25T12:00:00.000Z", event: name, userId: null, subject, ip: "192.0.2.1", detail: {} });

async function script(store: LoginAttemptStore, subject: string) {
  const trace: unknown[] = [];
  let now = Date.UTC(2026, 10, 25);
  const fail = async () => trace.push(await store.recordFailure(subject, now, LOCKOUT, { failure: event("login_failure", subject), lockout: event("lockout", subject) }));
  for (let i = 0; i < 12; i++) {
    await fail();
    const until = await store.lockedUntil([subject], now);
    trace.push({ lockMs: until === null ? 0 : until - now });
    now = until ?? now + 1000;
  }
  now += LOCKOUT.windowMs + 1;
  await fail(); // an old streak is forgotten
  await store.recordSuccess(subject, event("login_success", subject));
  trace.push(await store.lockedUntil([subject], now));
  await fail();
  return trace;
}

const subject = () => crypto.randomUUID().replaceAll("-", "");

describe("LoginAttemptStore contract: D1 adapter and memory twin", () => {
  it("count, lock, back off, forget and reset identically", async () => {
    const d1 = await script(d1LoginAttemptStore(env.DB), subject());
    const memory = await script(memoryLoginAttemptStore(), subject());
    expect(d1).toEqual(memory);
    expect(d1.at(-1)).toEqual({ failures: 1, lockedUntil: null });
    const locks = d1.filter((t): t is { lockMs: number } => typeof t === "object" && t !== null && "lockMs" in t).map((t) => t.lockMs / 1000);
    expect(locks).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it("answer the latest lock in force among an identifier's digests (one per accepted key)", async () => {
    const now = Date.UTC(2026, 10, 25);
    const [locked, unlocked, unknown] = [subject(), subject(), subject()];
    const answers = [];
    for (const store of [d1LoginAttemptStore(env.DB), memoryLoginAttemptStore()]) {
      for (let i = 0; i < 5; i++) await store.recordFailure(locked, now, LOCKOUT, { failure: event("login_failure", locked), lockout: event("lockout", locked) });
      await store.recordFailure(unlocked, now, LOCKOUT, { failure: event("login_failure", unlocked), lockout: event("lockout", unlocked) });
      answers.push([await store.lockedUntil([unlocked, locked, unknown], now), await store.lockedUntil([unlocked, unknown], now)]);
    }
    expect(answers).toEqual([[now + 30_000, null], [now + 30_000, null]]);
  });

  it("write the same audit rows", async () => {
    const s = subject();
    const d1Store = d1LoginAttemptStore(env.DB);
    const memoryAudit = memoryAuditStore();
    const memory = memoryLoginAttemptStore(memoryAudit);
    for (const store of [d1Store, memory]) {
      for (let i = 0; i < 5; i++) await store.recordFailure(s, 1_000, LOCKOUT, { failure: event("login_failure", s), lockout: event("lockout", s) });
      await store.recordSuccess(s, event("login_success", s));
    }
    await d1AuditStore(env.DB).record(event("logout_all", s));
    await memoryAudit.record(event("logout_all", s));
    const rows = await env.DB.prepare("SELECT at, event, user_id, subject, ip, detail FROM audit_events WHERE subject = ? ORDER BY id").bind(s).all<Record<string, string | null>>();
    const fromD1 = rows.results.map((r) => ({ at: r.at, event: r.event, userId: r.user_id, subject: r.subject, ip: r.ip, detail: JSON.parse(r.detail!) }));
    expect(fromD1).toEqual(memoryAudit.events);
    expect(fromD1.map((e) => e.event)).toEqual([...Array(5).fill("login_failure"), "lockout", "login_success", "logout_all"]);
  });

  it("purge finished streaks of other identifiers when a new failure is counted", async () => {
    const [stale, locked, fresh] = [subject(), subject(), subject()];
    const d1 = d1LoginAttemptStore(env.DB);
    const memory = memoryLoginAttemptStore();
    const events = (s: string) => ({ failure: event("login_failure", s), lockout: event("lockout", s) });
    const longLock = { ...LOCKOUT, baseLockMs: LOCKOUT.windowMs * 2, maxLockMs: LOCKOUT.windowMs * 2 };
    const d1Subjects = async () =>
      (await env.DB.prepare("SELECT subject FROM login_throttle WHERE subject IN (?, ?, ?)").bind(stale, locked, fresh).all<{ subject: string }>()).results.map((r) => r.subject).sort();
    for (const store of [d1, memory]) {
      await store.recordFailure(stale, 0, LOCKOUT, events(stale));
      for (let i = 0; i < 5; i++) await store.recordFailure(locked, 0, longLock, events(locked)); // locked beyond the window
    }
    expect(await d1Subjects()).toEqual([stale, locked].sort());
    for (const store of [d1, memory]) await store.recordFailure(fresh, LOCKOUT.windowMs + 1, LOCKOUT, events(fresh));
    // The finished streak is gone; the one still locked stays.
    expect(await d1Subjects()).toEqual([locked, fresh].sort());
    expect([...memory.rows.keys()].sort()).toEqual([locked, fresh].sort());
  });
});
