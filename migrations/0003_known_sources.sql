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
