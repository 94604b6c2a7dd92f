// The D1 LoginAttemptStore/AuditStore and their memory twins, held to the same behaviour: the
// backoff, cap and decay computed in SQL must equal lockout-policy.ts, event for event, and known
// sources must be chosen, refreshed and forgotten alike.
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
    const { lockedUntil: until } = await store.lockState([subject], null, now);
    trace.push({ lockMs: until === null ? 0 : until - now });
    now = until ?? now + 1000;
  }
  now += 3 * LOCKOUT.decayMs; // the last lock's 15 min and 45 more forgive four failures: 10 → 6, +1
  await fail();
  now += LOCKOUT.maxFailures * LOCKOUT.decayMs; // a streak decayed to nothing is forgotten
  await fail();
  await store.recordSuccess(subject, event("login_success", subject));
  trace.push((await store.lockState([subject], null, now)).lockedUntil);
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
    const counts = d1.filter((t): t is { failures: number } => typeof t === "object" && t !== null && "failures" in t).map((t) => t.failures);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 7, 1, 1]); // capped at 10, decayed, forgotten
  });

  it("answer the latest lock in force among an identifier's digests (one per accepted key)", async () => {
    const now = Date.UTC(2026, 10, 25);
    const [locked, unlocked, unknown] = [subject(), subject(), subject()];
    const answers = [];
    for (const store of [d1LoginAttemptStore(env.DB), memoryLoginAttemptStore()]) {
      for (let i = 0; i < 5; i++) await store.recordFailure(locked, now, LOCKOUT, { failure: event("login_failure", locked), lockout: event("lockout", locked) });
      await store.recordFailure(unlocked, now, LOCKOUT, { failure: event("login_failure", unlocked), lockout: event("lockout", unlocked) });
      answers.push([(await store.lockState([unlocked, locked, unknown], null, now)).lockedUntil, (await store.lockState([unlocked, unknown], null, now)).lockedUntil]);
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
    const forgotten = LOCKOUT.maxFailures * LOCKOUT.decayMs;
    const longLock = { ...LOCKOUT, baseLockMs: forgotten * 2, maxLockMs: forgotten * 2 };
    const d1Subjects = async () =>
      (await env.DB.prepare("SELECT subject FROM login_throttle WHERE subject IN (?, ?, ?)").bind(stale, locked, fresh).all<{ subject: string }>()).results.map((r) => r.subject).sort();
    for (const store of [d1, memory]) {
      await store.recordFailure(stale, 0, LOCKOUT, events(stale));
      for (let i = 0; i < 5; i++) await store.recordFailure(locked, 0, longLock, events(locked)); // locked beyond the decay
    }
    expect(await d1Subjects()).toEqual([stale, locked].sort());
    for (const store of [d1, memory]) await store.recordFailure(fresh, forgotten, LOCKOUT, events(fresh));
    // The finished streak is gone; the one still locked stays.
    expect(await d1Subjects()).toEqual([locked, fresh].sort());
    expect([...memory.rows.keys()].sort()).toEqual([locked, fresh].sort());
  });

  it("choose a known source's own counter, refresh and forget sources alike", async () => {
    const traces: unknown[][] = [];
    for (const store of [d1LoginAttemptStore(env.DB), memoryLoginAttemptStore()]) {
      const [s, source, stranger] = [subject(), subject(), subject()];
      const trace: unknown[] = [];
      const now = Date.UTC(2026, 10, 25);
      const state = async (src: string | null, at: number) => {
        const { counter, lockedUntil } = await store.lockState([s], src, at);
        return { counter: counter === s ? "subject" : counter === src ? "source" : counter, lockedUntil };
      };
      trace.push(await state(source, now)); // not yet known: the identifier's counter
      await store.recordSuccess(s, event("login_success", s), { source, expiresAt: now + LOCKOUT.knownSourceMs, now });
      for (let i = 0; i < 5; i++) await store.recordFailure(s, now, LOCKOUT, { failure: event("login_failure", s), lockout: event("lockout", s) });
      trace.push(await state(stranger, now), await state(null, now), await state(source, now));
      for (let i = 0; i < 5; i++) await store.recordFailure(source, now, LOCKOUT, { failure: event("login_failure", s), lockout: event("lockout", s) });
      trace.push(await state(source, now));
      await store.recordSuccess(source, event("login_success", s), { source, expiresAt: now + 1000 + LOCKOUT.knownSourceMs, now: now + 1000 });
      trace.push(await state(source, now + 1000), await state(stranger, now + 1000));
      trace.push(await state(source, now + 1000 + LOCKOUT.knownSourceMs)); // expired: the identifier's again
      traces.push(trace);
    }
    expect(traces[0]).toEqual(traces[1]);
    const lock = Date.UTC(2026, 10, 25) + 30_000;
    expect(traces[0]).toEqual([
      { counter: "subject", lockedUntil: null },
      { counter: "subject", lockedUntil: lock },
      { counter: "subject", lockedUntil: lock },
      { counter: "source", lockedUntil: null },
      { counter: "source", lockedUntil: lock },
      { counter: "source", lockedUntil: null },
      { counter: "subject", lockedUntil: lock },
      { counter: "subject", lockedUntil: null },
    ]);
  });

  it("purge expired sources when a success is recorded", async () => {
    const [old1, old2, kept, fresh, s] = [subject(), subject(), subject(), subject(), subject()];
    const d1 = d1LoginAttemptStore(env.DB);
    const memory = memoryLoginAttemptStore();
    for (const store of [d1, memory]) {
      for (const [source, expiresAt] of [[old1, 1_000], [old2, 2_000], [kept, 10_000]] as const) {
        await store.recordSuccess(s, event("login_success", s), { source, expiresAt, now: 0 });
      }
      await store.recordSuccess(s, event("login_success", s), { source: fresh, expiresAt: 50_000, now: 5_000 });
    }
    const rows = await env.DB.prepare("SELECT source FROM login_sources WHERE source IN (?, ?, ?, ?)").bind(old1, old2, kept, fresh).all<{ source: string }>();
    expect(rows.results.map((r) => r.source).sort()).toEqual([kept, fresh].sort());
    expect([...memory.sources.keys()].sort()).toEqual([kept, fresh].sort());
  });
});
