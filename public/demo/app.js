// The demo app: edge-auth/client in cookie mode against the service that serves this page. The
// client's events drive what is shown, so a sign-in, refresh or sign-out in another tab (the
// client tells its peers over a BroadcastChannel) updates this one too.
import { createAuthClient } from "/generated/edge-auth-client.js";
import { setUpFactors } from "./factors.js";
import { clearSignedIn, renderExpiry, renderSessions, renderUser, showView } from "./render.js";
import { announce, busy, showError, valuesOf } from "./ui.js";

const auth = createAuthClient({ baseUrl: location.origin, mode: "cookie" });
const $ = (id) => document.getElementById(id);

const SIGNED_OUT_BECAUSE = {
  logout: "You are signed out.",
  other_tab: "You were signed out in another tab.",
  refresh_refused: "Your session has ended. Sign in again.",
  session_revoked: "This session was ended. Sign in again.",
};

/** Set by this tab's own sign-in and sign-out, so only the acting tab moves focus. */
let actedHere = false;
/** Until the first refresh has answered: a refused one then means "not signed in", not "ended". */
let starting = true;

function showSignedIn(user, expiresAt, message) {
  const wasShown = !$("signed-in").hidden;
  renderUser(user);
  renderExpiry(expiresAt);
  if (wasShown) return;
  showView(true, actedHere);
  announce(message);
  void loadSessions();
  void factors.loadPasskeys();
}

auth.on("signedIn", ({ user, expiresAt, fromOtherTab }) => {
  showSignedIn(user, expiresAt, fromOtherTab ? `Signed in as ${user.username} in another tab.` : `Signed in as ${user.username}.`);
});

// Also the first news of a session from an earlier visit (the refresh below, or a peer tab's).
auth.on("refreshed", ({ user, expiresAt }) => showSignedIn(user, expiresAt, `Signed in as ${user.username}.`));

auth.on("signedOut", ({ reason }) => {
  clearSignedIn();
  factors.clearFactors();
  showView(false, actedHere);
  announce(starting ? "Not signed in. Log in or register." : (SIGNED_OUT_BECAUSE[reason] ?? "You are signed out."));
});

/** Runs a sign-in or sign-out started by the user here: focus follows it to the new view. */
async function acting(action) {
  actedHere = true;
  try {
    return await action();
  } finally {
    actedHere = false;
  }
}

const factors = setUpFactors(auth, acting);

function loadSessions() {
  return busy($("sessions-button"), async () => renderSessions(await auth.sessions(), endSession));
}

function endSession(session, button) {
  return busy(button, async () => {
    await auth.revokeSession(session.id);
    // In cookie mode the client cannot tell which session its cookie belongs to; the list can.
    // The service has already cleared the cookies: logout only signs this tab (and its peers) out.
    if (session.current) return acting(() => auth.logout());
    announce("The session was ended.");
    await loadSessions();
  });
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const { identifier, password } = valuesOf(form);
  void busy(form, async () => {
    const result = await acting(() => auth.login({ identifier, password }));
    // A second factor: no session yet; the client keeps the mfa_token in memory for verifyMfa().
    if (result.mfaRequired) factors.showSecondStep(result.factors);
  });
});

$("register-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const { username, email, password } = valuesOf(form);
  void busy(form, () => acting(() => auth.register({ username, email: email === "" ? null : email, password })));
});

$("password-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const { current, new: newPassword } = valuesOf(form);
  void busy(form, async () => {
    await auth.changePassword({ currentPassword: current, newPassword });
    announce("Password changed. Every other session has ended.");
    await loadSessions();
  });
});

$("forgot-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const { identifier } = valuesOf(form);
  void busy(form, async () => {
    await auth.forgotPassword({ identifier });
    // The service answers the same whether or not the account exists; so does the page.
    announce("If an account matches, a reset link is on its way (under npm start: in the worker's terminal).");
  });
});

$("verify-button").addEventListener("click", (event) => {
  void busy(event.currentTarget, async () => {
    await auth.requestEmailVerification();
    announce("A verification link is on its way (under npm start: in the worker's terminal).");
  });
});

$("refresh-button").addEventListener("click", (event) => {
  void busy(event.currentTarget, async () => {
    await auth.refresh();
    announce("The access token was refreshed.");
  });
});
$("logout-button").addEventListener("click", (event) => void busy(event.currentTarget, () => acting(() => auth.logout())));
$("logout-all-button").addEventListener("click", (event) => void busy(event.currentTarget, () => acting(() => auth.logoutAll())));
$("sessions-button").addEventListener("click", () => void loadSessions());

// A session from an earlier visit lives in the HttpOnly refresh cookie, which no script can see:
// a refresh finds out (and learns the access token's lifetime). Without one the client signs out.
auth
  .refresh()
  // A tab that waited for a peer's refresh may learn only the user (the peer's news can come later).
  .then(({ user }) => showSignedIn(user, auth.expiresAt, `Signed in as ${user.username}.`))
  .catch((error) => {
    if (!$("signed-in").hidden) return;
    showView(false, false);
    // No refresh cookie (400) or an ended session (401) is just "not signed in", said above.
    if (error?.code !== "invalid_request" && error?.code !== "invalid_grant") showError(error);
  })
  .finally(() => (starting = false));
