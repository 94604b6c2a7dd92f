// Administration: users, the audit trail and service clients, for accounts whose
// stored roles hold "admin" (http/admin-guard.ts). Every answer is no-store: it names accounts.
import { Hono, type Context } from "hono";
import { auditQuery, userPatch, usersQuery } from "../admin/schemas";
import { decodeCursor, encodeCursor } from "../admin/cursor";
import { resetFactors, userFactors } from "../admin/factors";
import { adminUser, deleteUser, findUser, logOutUser, updateUser } from "../admin/users";
import { normaliseEmail } from "../accounts/identifiers";
import { requireAdmin } from "../http/admin-guard";
import { readJson } from "../http/body";
import { idParam } from "../http/params";
import { readQuery } from "../http/query";
import type { AppEnv } from "../http/types";
import { listUserSessions } from "../sessions/session-index";
import { adminClientRoutes } from "./admin-clients";

const isUsernameKey = (key: string) => key.length > 0 && key.length <= 1024;
const isAuditKey = (key: string) => /^[1-9][0-9]{0,15}$/.test(key);

const noStore = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  await next();
  c.header("Cache-Control", "no-store");
};

export const adminRoutes = new Hono<AppEnv>()
  .use(requireAdmin, noStore)
  .get("/users", async (c) => {
    const { query, limit, cursor } = readQuery(c, usersQuery);
    const prefix = query?.trim() ? normaliseEmail(query) : null;
    const page = await c.get("rt").stores.directory.searchUsers({ prefix, after: decodeCursor(cursor, isUsernameKey), limit });
    return c.json({ users: page.items.map(adminUser), next_cursor: encodeCursor(page.after) });
  })
  .get("/users/:id", async (c) => {
    const rt = c.get("rt");
    const user = await findUser(rt, idParam(c));
    const [sessions, mfa] = await Promise.all([listUserSessions(rt, user.id), userFactors(rt, user.id)]);
    return c.json({ user: adminUser(user), sessions, mfa });
  })
  .patch("/users/:id", async (c) => {
    const patch = await readJson(c, userPatch);
    const user = await updateUser(c.get("rt"), c.get("admin")!, idParam(c), patch);
    return c.json({ user: adminUser(user) });
  })
  .post("/users/:id/logout", async (c) => {
    await logOutUser(c.get("rt"), c.get("admin")!, idParam(c));
    return c.body(null, 204);
  })
  .delete("/users/:id", async (c) => {
    await deleteUser(c.get("rt"), c.get("admin")!, idParam(c));
    return c.body(null, 204);
  })
  .delete("/users/:id/mfa", async (c) => {
    await resetFactors(c.get("rt"), c.get("admin")!, idParam(c));
    return c.body(null, 204);
  })
  .get("/audit", async (c) => {
    const { user_id, event, limit, cursor } = readQuery(c, auditQuery);
    const page = await c.get("rt").stores.directory.listAudit({ userId: user_id ?? null, event: event ?? null, after: decodeCursor(cursor, isAuditKey), limit });
    const events = page.items.map((e) => ({ id: e.id, at: e.at, event: e.event, user_id: e.userId, subject: e.subject, ip: e.ip, detail: e.detail }));
    return c.json({ events, next_cursor: encodeCursor(page.after) });
  })
  .route("/clients", adminClientRoutes);

