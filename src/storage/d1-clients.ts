// ClientStore on D1 (`clients`, migration 0009). Each change and its audit row are one db.batch().
import { auditRowWhen } from "./d1-audit-rows";
import { guardStorage } from "./guard";
import type { ClientRecord, ClientStore } from "./ports";

interface ClientRow {
  client_id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: string;
  secret_rotated_at: string | null;
}

const COLUMNS = "client_id, name, scopes, secret_hash, created_at, secret_rotated_at";

const toRecord = (row: ClientRow): ClientRecord => ({
  clientId: row.client_id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as string[],
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  secretRotatedAt: row.secret_rotated_at,
});

export function d1ClientStore(db: D1Database): ClientStore {
  return {
    create(client, event) {
      return guardStorage("clients.create", async () => {
        await db.batch([
          db
            .prepare(`INSERT INTO clients (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`)
            .bind(client.clientId, client.name, JSON.stringify(client.scopes), client.secretHash, client.createdAt, client.secretRotatedAt),
          auditRowWhen(db, event, "1"),
        ]);
      });
    },

    list() {
      return guardStorage("clients.list", async () => {
        const { results } = await db.prepare(`SELECT ${COLUMNS} FROM clients ORDER BY created_at, client_id`).all<ClientRow>();
        return results.map(toRecord);
      });
    },

    find(clientId) {
      return guardStorage("clients.find", async () => {
        const row = await db.prepare(`SELECT ${COLUMNS} FROM clients WHERE client_id = ?`).bind(clientId).first<ClientRow>();
        return row ? toRecord(row) : null;
      });
    },

    delete(clientId, event) {
      return guardStorage("clients.delete", async () => {
        // The audit row first, while the condition can still see the client.
        const [, deleted] = await db.batch([
          auditRowWhen(db, event, "EXISTS (SELECT 1 FROM clients WHERE client_id = ?7)", clientId),
          db.prepare("DELETE FROM clients WHERE client_id = ?").bind(clientId),
        ]);
        return (deleted?.meta.changes ?? 0) > 0;
      });
    },

    replaceSecret(clientId, secretHash, rotatedAt, event) {
      return guardStorage("clients.replaceSecret", async () => {
        const [updated] = await db.batch<ClientRow>([
          db
            .prepare(`UPDATE clients SET secret_hash = ?2, secret_rotated_at = COALESCE(?3, secret_rotated_at) WHERE client_id = ?1 RETURNING ${COLUMNS}`)
            .bind(clientId, secretHash, rotatedAt),
          ...(event ? [auditRowWhen(db, event, "EXISTS (SELECT 1 FROM clients WHERE client_id = ?7)", clientId)] : []),
        ]);
        const row = updated?.results[0];
        return row ? toRecord(row) : null;
      });
    },
  };
}
