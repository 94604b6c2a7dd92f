// Reading a credential cookie when a Cookie header may carry its name more than once. A sibling
// subdomain can set a cookie with `Domain=.example.com` that this host receives alongside its own
// (RFC 6265 §5.4 sends both, ordered by path length and age, so either may come first). Hono's
// getCookie keeps the first value and would let a planted one win; here any ambiguity is refused.
import type { Context } from "hono";
import { parse } from "hono/utils/cookie";
import type { AuthError } from "../errors";

/** The distinct values sent for `name`, in order (hono's parser applied to each pair). */
export function cookieValues(c: Context, name: string): string[] {
  const header = c.req.header("Cookie");
  if (!header) return [];
  const values = header.split(";").map((pair) => parse(pair, name)[name]);
  // The same value twice is one credential (one cookie set at two paths), not an ambiguity.
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

/** The caller's "no credential" answer, given a description for the client and a reason for the log. */
export type CookieRefusal = (description: string, reason: string) => AuthError;

export const ambiguousCookie = (name: string) =>
  `More than one ${name} cookie was sent (another site on this domain may have set one); clear this site's cookies and log in again.`;

/**
 * The one value of a credential cookie, or undefined when none was sent. Two different values are
 * refused with `refusal(description, reason)`, the caller's "no credential" answer in its dialect.
 */
export function soleCookie(c: Context, name: string, refusal: CookieRefusal): string | undefined {
  const values = cookieValues(c, name);
  if (values.length > 1) throw refusal(ambiguousCookie(name), `${values.length} different ${name} cookies sent`);
  return values[0];
}
