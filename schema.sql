-- edge-auth schema, migration 1: accounts and their login identifiers.
-- D1 has no BEGIN; multi-statement writes go through db.batch(), which is one transaction.

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,                          -- random UUID, immutable, never reused
  username TEXT NOT NULL,                       -- as the user typed it (after NFKC)
  username_normalized TEXT NOT NULL UNIQUE,
  email TEXT,
  email_normalized TEXT UNIQUE,
  password_hash TEXT NOT NULL,                  -- self-describing: pbkdf2_sha512$100000$salt$hash
  roles TEXT NOT NULL DEFAULT '[]',             -- JSON array of strings
  is_active INTEGER NOT NULL DEFAULT 1,
  token_version INTEGER NOT NULL DEFAULT 0,     -- bumped by logout-all, password change, disable
  failed_login_count INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,                         -- epoch ms; exact counters live here, not in KV
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_login_at TEXT
);

-- One login identifier (normalised username or email) names at most one account, across both
-- namespaces: a username may look like an email only when it is that user's own email.
CREATE TABLE IF NOT EXISTS login_identifiers (
  identifier TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS login_identifiers_user ON login_identifiers(user_id);
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
-- edge-auth schema, migration 3: known login sources, which a lock does not shut out.
-- A successful login marks its source known: a keyed digest of (identifier digest, client address
-- as the limiters key it: IPv4 whole, IPv6 by /64). While the identifier is locked, a login from a
-- known source is still checked against the password, on its own failure counter (a
-- login_throttle row keyed by the source digest), so a stranger's failures cannot lock out a
-- user who has logged in from there before (README "Lockout").
CREATE TABLE IF NOT EXISTS login_sources (
  source TEXT PRIMARY KEY,                      -- HMAC digest of (identifier digest, client address key)
  expires_at INTEGER NOT NULL                   -- epoch ms: 30 days after the last success from it
);
-- Each success also purges a few expired rows, so the table holds the last 30 days' sources.
CREATE INDEX IF NOT EXISTS login_sources_expires ON login_sources(expires_at);
