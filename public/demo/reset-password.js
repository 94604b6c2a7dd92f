// /reset-password: the page a password reset link opens. It sets the new password with the link's
// token through edge-auth/client, which signs this browser in (cookie mode); other open demo tabs
// hear of it over the client's BroadcastChannel.
import { createAuthClient } from "/generated/edge-auth-client.js";
import { announce, busy, showError, takeFragmentToken, valuesOf } from "./ui.js";

const auth = createAuthClient({ baseUrl: location.origin, mode: "cookie" });
const form = document.getElementById("reset-form");
const token = takeFragmentToken();

if (token === null) {
  form.hidden = true;
  showError({ description: "This page needs the link from a password reset message, and its token is missing." });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const { new: newPassword } = valuesOf(form);
  void busy(form, async () => {
    const result = await auth.resetPassword({ token, newPassword });
    form.hidden = true;
    // A reset does not skip the second factor: the user logs in with the new password and a factor.
    if (result.mfaRequired) return announce("Password changed, and every earlier session ended. Your account has a second factor: log in on the demo page with the new password to finish.");
    announce(`Password changed, and every earlier session ended. You are signed in as ${result.user.username}.`);
  });
});
