// Service clients managed by administrators: created with a secret shown once,
// listed without it, deleted, and given a new secret (the old one stops working at once).
import { auditEvent, logAudit } from "../audit/audit";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { AuditEvent, ClientRecord, UserRecord } from "../storage/ports";
import { hashClientSecret, newClientSecret } from "./secret";

export const noSuchClient = () => new AuthError("not_found", "No such client.");

export const publicClient = (client: ClientRecord) => ({
  client_id: client.clientId,
  name: client.name,
  scopes: client.scopes,
  created_at: client.createdAt,
  secret_rotated_at: client.secretRotatedAt,
});

/** The one answer that carries a secret: creation and rotation. */
export const clientWithSecret = (client: ClientRecord, secret: string) => ({ client_id: client.clientId, client_secret: secret, name: client.name, scopes: client.scopes });

const adminEvent = (rt: Runtime, event: AuditEvent["event"], actor: UserRecord, clientId: string) =>
  auditEvent(rt, event, { detail: { actor: actor.id, client_id: clientId } });

export async function createClient(rt: Runtime, actor: UserRecord, input: { name: string; scopes: string[] }): Promise<{ client: ClientRecord; secret: string }> {
  const secret = newClientSecret();
  const client: ClientRecord = {
    clientId: crypto.randomUUID(),
    name: input.name,
    scopes: input.scopes,
    secretHash: await hashClientSecret(rt, secret),
    createdAt: new Date(rt.now()).toISOString(),
    secretRotatedAt: null,
  };
  const event = adminEvent(rt, "admin_client_created", actor, client.clientId);
  await rt.stores.clients.create(client, event);
  logAudit(event);
  return { client, secret };
}

export async function deleteClient(rt: Runtime, actor: UserRecord, clientId: string): Promise<void> {
  const event = adminEvent(rt, "admin_client_deleted", actor, clientId);
  if (!(await rt.stores.clients.delete(clientId, event))) throw noSuchClient();
  logAudit(event);
}

export async function rotateClientSecret(rt: Runtime, actor: UserRecord, clientId: string): Promise<{ client: ClientRecord; secret: string }> {
  const secret = newClientSecret();
  const event = adminEvent(rt, "admin_client_secret_rotated", actor, clientId);
  const client = await rt.stores.clients.replaceSecret(clientId, await hashClientSecret(rt, secret), event.at, event);
  if (!client) throw noSuchClient();
  logAudit(event);
  return { client, secret };
}
