// Retention on real local D1, through the Worker's exported scheduled handler (the Cron Trigger's
// way in): audit rows older than AUDIT_RETENTION_DAYS and finished lockout streaks go, nothing else.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { envWith } from "../helpers";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

async function runCron(e: Env = env as Env, scheduledTime = NOW) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime, cron: "17 * * * *" }), e, ctx);
  await waitOnExecutionContext(ctx);
}

async function insertAudit(ages: Record<string, number>) {
  await env.DB.batch(
    Object.entries(ages).map(([tag, age]) =>
      env.DB.prepare("INSERT INTO audit_events (at, event, user_id, subject, ip, detail) VALUES (?, 'login_failure', NULL, ?, NULL, '{}')").bind(iso(NOW - age), tag),
    ),
  );
}

const auditTags = async () => (await env.DB.prepare("SELECT subject FROM audit_events ORDER BY subject").all<{ subject: string }>()).results.map((r) => r.subject);
const throttleTags = async () => (await env.DB.prepare("SELECT subject FROM login_throttle ORDER BY subject").all<{ subject: string }>()).results.map((r) => r.subject);

beforeEach(async () => {
  await env.DB.batch([env.DB.prepare("DELETE FROM audit_events"), env.DB.prepare("DELETE FROM login_throttle")]);
});

describe("scheduled retention", () => {
  it("deletes exactly the audit rows older than AUDIT_RETENTION_DAYS (default 90)", async () => {
    await insertAudit({ a_new: 0, b_89d: 89 * DAY, c_edge: 90 * DAY - 1000, d_90d: 90 * DAY + 1000, e_400d: 400 * DAY });
    await runCron();
    expect(await auditTags()).toEqual(["a_new", "b_89d", "c_edge"]);
  });

  it("follows AUDIT_RETENTION_DAYS", async () => {
    await insertAudit({ a_new: 0, b_6d: 6 * DAY, c_8d: 8 * DAY });
    await runCron(envWith({ AUDIT_RETENTION_DAYS: "7" }));
    expect(await auditTags()).toEqual(["a_new", "b_6d"]);
  });

  it("deletes login_throttle rows whose streak has decayed (2.5 h quiet), and keeps locks in force and younger streaks", async () => {
    const rows: [string, number | null, number][] = [
      ["a_recent", null, NOW - 2.5 * 3_600_000 + 1000],
      ["b_recent_locked", NOW + 60_000, NOW - 60_000],
      ["c_old_unlocked", null, NOW - 2.5 * 3_600_000],
      ["d_old_lock_over", NOW - 1000, NOW - 2 * DAY],
      ["e_old_but_locked", NOW + 60_000, NOW - 2 * DAY],
    ];
    await env.DB.batch(rows.map(([subject, lockedUntil, updatedAt]) => env.DB.prepare("INSERT INTO login_throttle (subject, failures, locked_until, updated_at) VALUES (?, 5, ?, ?)").bind(subject, lockedUntil, updatedAt)));
    await runCron();
    expect(await throttleTags()).toEqual(["a_recent", "b_recent_locked", "e_old_but_locked"]);
  });

  it("deletes known login sources past their expiry, and keeps the live ones", async () => {
    await env.DB.prepare("DELETE FROM login_sources").run();
    const rows: [string, number][] = [["a_live", NOW + 1000], ["b_expired", NOW], ["c_long_gone", NOW - 40 * DAY]];
    await env.DB.batch(rows.map(([source, expiresAt]) => env.DB.prepare("INSERT INTO login_sources (source, expires_at) VALUES (?, ?)").bind(source, expiresAt)));
    await runCron();
    const left = (await env.DB.prepare("SELECT source FROM login_sources ORDER BY source").all<{ source: string }>()).results.map((r) => r.source);
    expect(left).toEqual(["a_live"]);
  });

  it("works through a backlog in bounded batches (10 x 1,000 rows a run) and finishes it in later runs", async () => {
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10500)
       INSERT INTO audit_events (at, event, subject, detail) SELECT ?, 'login_failure', 'old' || i, '{}' FROM n`,
    ).bind(iso(NOW - 100 * DAY)).run();
    await insertAudit({ keep: 0 });
    const logged = vi.spyOn(console, "log");
    await runCron();
    const line = logged.mock.calls.map((c) => String(c[0])).find((l) => l.includes('"event":"retention"'));
    expect(JSON.parse(line!)).toEqual({ level: "info", event: "retention", audit_events: 10_000, login_throttle: 0, login_sources: 0, user_sessions: 0, webauthn_spent_challenges: 0, complete: false });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_events").first<{ n: number }>())!.n).toBe(501);
    await runCron();
    expect(await auditTags()).toEqual(["keep"]);
    logged.mockRestore();
  });

  it("finds old audit rows through an index on `at`, not by scanning the table every hour", async () => {
    const plan = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT id FROM audit_events WHERE at < ? LIMIT ?").bind(iso(NOW), 1000).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail)).toEqual([expect.stringMatching(/^SEARCH audit_events USING (COVERING )?INDEX audit_events_at \(at<\?\)$/)]);
  });

  it("deletes nothing when the configuration is unusable, and says why", async () => {
    await insertAudit({ old: 400 * DAY });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await runCron(envWith({ AUDIT_RETENTION_DAYS: "soon" }));
    expect(await auditTags()).toEqual(["old"]);
    expect(errors.mock.calls.map((c) => String(c[0])).join("\n")).toContain("AUDIT_RETENTION_DAYS must be a positive whole number of days");
    errors.mockRestore();
  });
});
