// edge-auth/client in Node, token mode: sign up, call an API with the session, refresh, see a typed
// error, sign out everywhere. The same code runs in a browser, a Worker or Deno.
//   EDGE_AUTH_URL=http://127.0.0.1:8787 node docs/examples/client-token.mjs
import { AuthError, createAuthClient } from "edge-auth/client";

const baseUrl = process.env.EDGE_AUTH_URL ?? "http://127.0.0.1:8787";
const auth = createAuthClient({ baseUrl, mode: "token" });
auth.on("signedOut", ({ reason }) => console.log(`signed out (${reason})`));

const username = `grace${Date.now()}`;
const { user } = await auth.register({ username, password: "correct horse battery staple" });
console.log(`signed in as ${user.username}, token valid for ${Math.round((auth.expiresAt - Date.now()) / 1000)} s`);

// auth.fetch() is fetch() with the session: the bearer token, a refresh when it is due, and one
// refresh and retry on a 401. Here edge-auth's own sessions list; your own APIs are called alike.
const response = await auth.fetch(`${baseUrl}/auth/sessions`);
const { sessions } = await response.json();
console.log(`${response.status}: ${sessions.length} session, current: ${sessions[0].current}`);

await auth.refresh(); // a new access token and a rotated refresh token (usually done for you)

try {
  await auth.changePassword({ currentPassword: "not my password", newPassword: "a brand new passphrase 42" });
} catch (error) {
  if (!(error instanceof AuthError)) throw error;
  console.log(`refused: ${error.status} ${error.code}`); // RateLimitedError has error.retryAfter
}

await auth.logoutAll();
