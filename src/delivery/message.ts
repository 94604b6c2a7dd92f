// The messages of the account lifecycle, as the delivery hook receives them (the
// shape of Supabase Auth's send-email hook): { type, to, username, token, link, expires_at }.
import type { Runtime } from "../runtime";
import type { AccountTokenPurpose, UserRecord } from "../storage/ports";

export interface Message {
  type: AccountTokenPurpose;
  to: string;
  username: string;
  /** The one-time token itself: the receiver may build its own link from it. */
  token: string;
  /** APP_URL + the page for this type, the token in the fragment; null without APP_URL (production). */
  link: string | null;
  expires_at: string;
}

/**
 * The page of the front end (APP_URL) that takes each message's token. The token rides in the
 * fragment: browsers never send a fragment to any server, so it stays out of the front end's access
 * logs and out of Referer headers; the page reads it from location.hash and POSTs it here.
 */
export const LINK_PATH: Record<AccountTokenPurpose, string> = {
  password_reset: "/reset-password",
  email_verification: "/verify-email",
};

/**
 * APP_URL, else in development the issuer (the origin `npm start` is reached at, known only once a
 * request came in), else none: the receiver builds its own link from `token`.
 */
const linkBase = (rt: Runtime) => rt.config.appUrl ?? (rt.config.environment === "development" && rt.config.issuer ? rt.config.issuer : null);

export function buildMessage(rt: Runtime, type: AccountTokenPurpose, user: UserRecord, to: string, token: string, expiresAt: number): Message {
  const base = linkBase(rt);
  const link = base === null ? null : `${base}${LINK_PATH[type]}#token=${token}`;
  return { type, to, username: user.username, token, link, expires_at: new Date(expiresAt).toISOString() };
}
