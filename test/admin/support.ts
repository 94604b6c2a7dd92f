// Admin test helpers: accounts made admin in D1 (the CLI's way: no endpoint grants the first admin),
// and requests from an IP of their own so per-IP limits of other tests do not interfere.
import { json, realApp, registerUser, testEnv } from "../helpers";

const ip = () => `198.19.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;

export const send = (path: string, init: RequestInit = {}) =>
  realApp.request(path, { ...init, headers: { "CF-Connecting-IP": ip(), ...(init.headers as Record<string, string>) } }, testEnv);

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface Account {
  id: string;
  username: string;
  token: string;
  refresh: string;
  /** A request as this account, by bearer token. */
  as: (path: string, init?: RequestInit) => Promise<Response>;
}

export async function makeUser(prefix = "user", roles: string[] = []): Promise<Account> {
  const registered = await registerUser(send, `${prefix}${crypto.randomUUID().slice(0, 12).replace(/-/g, "")}`);
  // Before any read of the row: the worker's read cache has not seen it yet.
  if (roles.length > 0) await testEnv.DB.prepare("UPDATE users SET roles = ? WHERE id = ?").bind(JSON.stringify(roles), registered.user.id).run();
  const token = registered.access_token;
  return {
    id: registered.user.id,
    username: registered.username,
    token,
    refresh: registered.refresh_token,
    as: async (path, init = {}) => send(path, { ...init, headers: { ...bearer(token), ...(init.headers as Record<string, string>) } }),
  };
}

export const makeAdmin = () => makeUser("adm", ["admin"]);

export const patch = (body: unknown) => json(body, { method: "PATCH" });

export const FORBIDDEN = { error: "forbidden", error_description: "This endpoint requires the admin role." };

export async function auditRows(where: string, ...args: unknown[]) {
  const { results } = await testEnv.DB.prepare(`SELECT event, user_id, detail FROM audit_events WHERE ${where} ORDER BY id`).bind(...args).all<{ event: string; user_id: string | null; detail: string }>();
  return results.map((r) => ({ event: r.event, user_id: r.user_id, detail: JSON.parse(r.detail) }));
}
