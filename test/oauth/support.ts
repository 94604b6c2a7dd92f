// OAuth test helpers: service clients made through the admin API (the only way one is created),
// form-encoded requests as RFC 6749 §4 has clients send them, and the exact error bodies.
import { json } from "../helpers";
import { makeAdmin, send } from "../admin/support";

export { send };

export interface TestClient {
  client_id: string;
  client_secret: string;
  scopes: string[];
}

export async function makeClient(scopes = ["invoices:read", "invoices:write"]): Promise<TestClient> {
  const admin = await makeAdmin();
  const response = await admin.as("/admin/clients", json({ name: "gateway", scopes }));
  if (response.status !== 201) throw new Error(`client creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TestClient;
}

/** RFC 6749 §2.3.1: client id and secret form-urlencoded, then joined by ":" and base64-encoded. */
export const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`,
});

export const form = (params: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(params).toString(),
});

/** Status, the headers an OAuth answer must carry, and the JSON body (null when empty). */
export async function answer(response: Response) {
  const text = await response.text();
  return {
    status: response.status,
    cacheControl: response.headers.get("Cache-Control"),
    pragma: response.headers.get("Pragma"),
    challenge: response.headers.get("WWW-Authenticate"),
    body: text === "" ? null : JSON.parse(text),
  };
}

export const oauthError = (status: number, error: string, description: string, challenge: string | null = null) => ({
  status,
  cacheControl: "no-store",
  pragma: "no-cache",
  challenge,
  body: { error, error_description: description },
});

export const BASIC_CHALLENGE = 'Basic realm="edge-auth"';
export const CLIENT_FAILED = oauthError(401, "invalid_client", "Client authentication failed.", BASIC_CHALLENGE);
