// The GET /auth/sessions answer as README "Sessions" documents it, read the same way by the tests in
// workerd and by the end-to-end tests over HTTP.
import { expect } from "vitest";

export interface ListedSession {
  id: string;
  client_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  current: boolean;
  user_agent: string | null;
}

/** The sessions of a 200 answer, which is never cached. */
export async function sessionsOf(response: Response): Promise<ListedSession[]> {
  expect([response.status, response.headers.get("Cache-Control")]).toEqual([200, "no-store"]);
  return ((await response.json()) as { sessions: ListedSession[] }).sessions;
}
