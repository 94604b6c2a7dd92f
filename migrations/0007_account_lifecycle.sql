-- edge-auth schema, migration 7: account lifecycle. email_verified on the user,
-- and the one-time tokens of password reset and email verification, stored only as SHA-256
-- hashes. In D1, not KV: a token must be single-use under concurrent redemptions, which takes a
-- conditional UPDATE inside a db.batch() (KV has no compare-and-set), and a new request must
-- supersede the old one everywhere at once (KV takes about 60 s to propagate).
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;

-- One live token per user and purpose: a new request replaces the row, so the older token is
-- simply no longer found. `email` is the address the message went to; the token proves control
-- of that address only while it is still the account's email.
CREATE TABLE IF NOT EXISTS account_tokens (
  token_hash TEXT PRIMARY KEY,                  -- SHA-256 (base64url) of the 256-bit token
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,                        -- 'password_reset' | 'email_verification'
  email TEXT,                                   -- normalised address the token was sent to
  created_at INTEGER NOT NULL,                  -- epoch ms
  expires_at INTEGER NOT NULL,                  -- epoch ms
  used_at INTEGER,                              -- epoch ms; set once, by the one redemption that wins
  claim TEXT,                                   -- that redemption's random nonce: the later statements of
                                                -- its batch act only if this is theirs (two redemptions
                                                -- in the same millisecond cannot both match)
  UNIQUE (user_id, purpose)
);
