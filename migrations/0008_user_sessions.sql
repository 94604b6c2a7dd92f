-- edge-auth schema, migration 8: the per-user session index behind GET /auth/sessions. Sessions
-- live in KV, whose list() is eventually consistent (a new key may be missing for ~60 s); D1 reads
-- go to the primary and see every committed write, so a session is listed the moment it opens.
-- A row is written before its KV record and may outlive it: readers check the record and the
-- revocation marker, and dead rows are pruned on read and by the hourly retention run.
CREATE TABLE IF NOT EXISTS user_sessions (
  sid TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  token_version INTEGER NOT NULL,
  user_agent TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS user_sessions_user ON user_sessions(user_id, created_at);
CREATE INDEX IF NOT EXISTS user_sessions_created ON user_sessions(created_at);
