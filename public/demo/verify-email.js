// /verify-email: the page a verification link opens. It sends the link's token to the service
// through edge-auth/client (no session needed) and says what the service answered.
import { createAuthClient } from "/generated/edge-auth-client.js";
import { announce, showError, takeFragmentToken } from "./ui.js";

const auth = createAuthClient({ baseUrl: location.origin, mode: "cookie" });
const token = takeFragmentToken();

if (token === null) {
  showError({ description: "This page needs the link from a verification message, and its token is missing." });
} else {
  auth
    .verifyEmail({ token })
    .then(({ user }) => announce(`The email address ${user.email} of ${user.username} is verified.`))
    .catch((error) => showError(error));
}
