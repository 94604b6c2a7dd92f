// Shared by the profile tests: Set-Cookie parsing, a Cookie header from a response, form bodies.
import { decodeJwt } from "jose";
import { json, STRONG_PASSWORD, uniqueName } from "../helpers";

type Request = (path: string, init?: RequestInit) => Promise<Response> | Response;

/** workerd has Headers.getSetCookie(); @cloudflare/workers-types 4.20260702 does not declare it. */
export const setCookieLines = (response: Response): string[] => (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie();

/** Set-Cookie headers by cookie name (the whole header, attributes included). */
export function setCookies(response: Response): Record<string, string> {
  return Object.fromEntries(setCookieLines(response).map((line) => [line.slice(0, line.indexOf("=")), line]));
}

export const cookieValue = (response: Response, name: string) => /^[^=]+=([^;]*)/.exec(setCookies(response)[name] ?? "")?.[1];

/** The Cookie header a browser would send back after this response. */
export function cookieHeader(response: Response): string {
  return Object.values(setCookies(response)).map((line) => line.split(";")[0]).join("; ");
}

export function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() };
}

export const lifetimeOf = (jwt: string) => {
  const { exp, iat } = decodeJwt(jwt);
  return exp! - iat!;
};

/** A user made through the native API (one store serves every profile). */
export async function nativeUser(request: Request, password = STRONG_PASSWORD) {
  const username = uniqueName("p");
  const response = await request("/auth/register", json({ username, email: `${username}@example.com`, password }));
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  const { user } = (await response.json()) as { user: { id: string } };
  return { id: user.id, username, email: `${username}@example.com`, password };
}
