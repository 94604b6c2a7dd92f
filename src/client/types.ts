// The shapes the native API answers (README "Native API", "Sessions"), as the client returns them:
// the API's own JSON field names, unchanged, so the README's tables describe them too.

export interface User {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  roles: string[];
  created_at: string;
}

export interface Session {
  id: string;
  client_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  /** The session of the credential this client presented. */
  current: boolean;
  user_agent: string | null;
}

/** What register, login, refresh, password change and reset answer: tokens in token mode only. */
export interface SessionAnswer {
  user: User;
  token_type: "Bearer";
  expires_in: number;
  refresh_expires_in: number;
  access_token?: string;
  refresh_token?: string;
}

export type Mode = "cookie" | "token";
