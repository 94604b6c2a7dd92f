// /verify-email: the page a verification link opens. It sends the link's token to
// POST /auth/email/verify (which needs no session) and says what the service answered.
import { announce, failureOf, showError, takeFragmentToken } from "./ui.js";

const token = takeFragmentToken();

async function verify() {
  if (token === null) return showError({ description: "This page needs the link from a verification message, and its token is missing." });
  const response = await fetch("/auth/email/verify", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
  if (!response.ok) return showError(await failureOf(response));
  const { user } = await response.json();
  announce(`The email address ${user.email} of ${user.username} is verified.`);
}

verify().catch(() => showError({ kind: "network" }));
