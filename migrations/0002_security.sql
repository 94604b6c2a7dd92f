-- edge-auth schema, migration 2: exact login-failure counters and the audit trail.
-- Counters live in D1, not KV: KV is eventually consistent and takes 1 write/s per key, so it
-- cannot count. Both tables are keyed by a keyed digest of the identifier, never the typed text
-- (a user who types a password into the username field must not find it stored in clear).

-- One row per normalised login identifier that has recent failures, whether or not an account
-- has that identifier: lockout then answers the same for existing and unknown identifiers.
CREATE TABLE IF NOT EXISTS login_throttle (
  subject TEXT PRIMARY KEY,                     -- HMAC digest of the normalised identifier
  failures INTEGER NOT NULL,                    -- consecutive failures inside the window
  locked_until INTEGER,                         -- epoch ms; NULL while under the threshold
  updated_at INTEGER NOT NULL                   -- epoch ms of the last failure
);
-- Each new failure also purges a few rows whose streak is over, so the table holds about one
-- window's worth of identifiers even when attackers spray made-up ones.
CREATE INDEX IF NOT EXISTS login_throttle_updated ON login_throttle(updated_at);

-- Security events, append-only. No password, token, secret or cookie value is ever written here.
CREATE TABLE IF NOT EXISTS audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,                             -- ISO 8601
  event TEXT NOT NULL,                          -- login_success, login_failure, lockout, ...
  user_id TEXT,                                 -- when the event concerns a known account
  subject TEXT,                                 -- identifier digest, for events keyed by identifier
  ip TEXT,                                      -- CF-Connecting-IP
  detail TEXT NOT NULL DEFAULT '{}'             -- JSON object of non-secret fields
);
CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events(user_id, at);
CREATE INDEX IF NOT EXISTS audit_events_event ON audit_events(event, at);
