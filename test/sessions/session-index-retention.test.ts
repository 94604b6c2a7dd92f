// The hourly retention run also drops index rows of sessions past their absolute end (created
// more than SESSION_MAX_AGE ago): no such session can be live, whatever KV says.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { envWith } from "../helpers";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

async function runCron(e: Env = env as Env) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: NOW, cron: "17 * * * *" }), e, ctx);
  await waitOnExecutionContext(ctx);
}

async function seed(ages: Record<string, number>) {
  await env.DB.prepare("DELETE FROM user_sessions").run();
  await env.DB.batch(
    Object.entries(ages).map(([sid, age]) =>
      env.DB.prepare("INSERT INTO user_sessions (sid, user_id, client_id, kind, token_version, user_agent, created_at, expires_at) VALUES (?, 'u', 'edge-auth', 'tokens', 0, NULL, ?, ?)").bind(sid, NOW - age, NOW - age + DAY),
    ),
  );
}

const sids = async () => (await env.DB.prepare("SELECT sid FROM user_sessions ORDER BY sid").all<{ sid: string }>()).results.map((r) => r.sid);

describe("retention prunes the session index", () => {
  it("deletes rows of sessions opened more than SESSION_MAX_AGE (30 days) ago, and keeps the rest", async () => {
    await seed({ a_new: 0, b_29d: 29 * DAY, c_edge: 30 * DAY - 1000, d_31d: 31 * DAY, e_400d: 400 * DAY });
    await runCron();
    expect(await sids()).toEqual(["a_new", "b_29d", "c_edge"]);
  });

  it("follows SESSION_MAX_AGE", async () => {
    await seed({ a_new: 0, b_1d: DAY + 1000 });
    await runCron(envWith({ SESSION_MAX_AGE: "86400" }));
    expect(await sids()).toEqual(["a_new"]);
  });

  it("finds them through an index on created_at", async () => {
    const plan = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT rowid FROM user_sessions WHERE created_at <= ? LIMIT ?").bind(NOW, 1000).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail)).toEqual([expect.stringMatching(/^SEARCH user_sessions USING (COVERING )?INDEX user_sessions_created \(created_at<\?\)$/)]);
  });
});
