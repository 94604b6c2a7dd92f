// PLACEHOLDER (feat/admin only): the sessions-index helper owns this file. The signatures are the
// plan's shared contract; this file is replaced by the real one when main is merged.
import type { Runtime } from "../runtime";

export interface SessionSummary {
  id: string;
  client_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  kind: "tokens" | "cookie";
}

export async function listUserSessions(_rt: Runtime, _userId: string): Promise<SessionSummary[]> {
  throw new Error("not merged yet");
}

export async function endUserSession(_rt: Runtime, _userId: string, _sid: string, _why: string): Promise<boolean> {
  throw new Error("not merged yet");
}

export async function endEveryUserSession(_rt: Runtime, _userId: string, _why: string): Promise<void> {
  throw new Error("not merged yet");
}
