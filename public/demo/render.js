// What the page shows: the signed-out or the signed-in view, the user, the access token's expiry
// (counting down, outside any live region so it is not read out every second) and the sessions.
import { formatDate } from "./ui.js";

const $ = (id) => document.getElementById(id);

/** Shows one view; `moveFocus` only for the tab where the user acted (not for other tabs' news). */
export function showView(signedIn, moveFocus) {
  $("signed-in").hidden = !signedIn;
  $("signed-out").hidden = signedIn;
  $("second-step").hidden = true;
  if (moveFocus) $(signedIn ? "signed-in-title" : "signed-out-title").focus();
}

export function renderUser(user) {
  $("user-username").textContent = user.username;
  $("user-email").textContent = user.email === null ? "none" : `${user.email}${user.email_verified ? " (verified)" : " (not verified)"}`;
  $("verify-button").hidden = user.email === null || user.email_verified;
  $("user-id").textContent = user.id;
  $("user-roles").textContent = user.roles.length === 0 ? "none" : user.roles.join(", ");
  $("user-created").textContent = formatDate(user.created_at);
}

let expiryTimer;

/** The expiry and the time left, refreshed every second while known. */
export function renderExpiry(expiresAt) {
  clearInterval(expiryTimer);
  const cell = $("token-expiry");
  if (expiresAt === null) {
    cell.textContent = "not known";
    return;
  }
  const paint = () => {
    const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    cell.textContent = `${formatDate(expiresAt)} (in ${left} s; refreshed automatically before then)`;
    cell.dataset.expiresAt = String(expiresAt);
  };
  paint();
  expiryTimer = setInterval(paint, 1000);
}

/** A table row: one cell of text per entry of `texts`, then a cell with an action button. */
function rowWithAction(texts, button) {
  const row = document.createElement("tr");
  for (const text of texts) row.append(Object.assign(document.createElement("td"), { textContent: text }));
  const action = document.createElement("td");
  action.append(button);
  row.append(action);
  return row;
}

function actionButton(text, label, onClick) {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: text });
  button.setAttribute("aria-label", label);
  button.addEventListener("click", () => onClick(button));
  return button;
}

/** One row per session, newest first as the API lists them; `onEnd(session, button)` ends one. */
export function renderSessions(sessions, onEnd) {
  const rows = sessions.map((session) => {
    const agent = session.user_agent ?? "unknown";
    const cells = [session.current ? `${agent} (this browser)` : agent, formatDate(session.created_at), formatDate(session.last_used_at), formatDate(session.expires_at)];
    const label = `End the session of ${agent} started ${formatDate(session.created_at)}${session.current ? ", this browser" : ""}`;
    return rowWithAction(cells, actionButton(session.current ? "End (log out)" : "End", label, (button) => onEnd(session, button)));
  });
  $("sessions-body").replaceChildren(...rows);
}

/** One row per passkey, oldest first as the API lists them; `onRemove(passkey, button)` removes one. */
export function renderPasskeys(passkeys, onRemove) {
  const rows = passkeys.map((passkey) => {
    const cells = [passkey.name, formatDate(passkey.created_at), passkey.last_used_at === null ? "never" : formatDate(passkey.last_used_at)];
    return rowWithAction(cells, actionButton("Remove", `Remove the passkey ${passkey.name}`, (button) => onRemove(passkey, button)));
  });
  $("passkeys-body").replaceChildren(...rows);
}

export function clearSignedIn() {
  clearInterval(expiryTimer);
  for (const id of ["user-username", "user-email", "user-id", "user-roles", "user-created", "token-expiry"]) $(id).textContent = "";
  $("sessions-body").replaceChildren();
}
