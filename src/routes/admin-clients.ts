// Service clients for the client_credentials grant, under /admin/clients;
// the admin guard of routes/admin.ts runs first.
import { Hono } from "hono";
import { clientBody } from "../admin/schemas";
import { clientWithSecret, createClient, deleteClient, publicClient, rotateClientSecret } from "../clients/clients";
import { readJson } from "../http/body";
import type { AppEnv } from "../http/types";
import { idParam } from "../http/params";

export const adminClientRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = await readJson(c, clientBody);
    const { client, secret } = await createClient(c.get("rt"), c.get("admin")!, body);
    return c.json(clientWithSecret(client, secret), 201);
  })
  .get("/", async (c) => c.json({ clients: (await c.get("rt").stores.clients.list()).map(publicClient) }))
  .delete("/:id", async (c) => {
    await deleteClient(c.get("rt"), c.get("admin")!, idParam(c));
    return c.body(null, 204);
  })
  .post("/:id/secret", async (c) => {
    const { client, secret } = await rotateClientSecret(c.get("rt"), c.get("admin")!, idParam(c));
    return c.json(clientWithSecret(client, secret));
  });
