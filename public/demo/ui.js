// Announcing and form plumbing for the demo page. Everything shown goes through textContent, never
// innerHTML: a username, an email or a User-Agent is data, and data is never markup.

const $ = (id) => document.getElementById(id);

/** Says what just happened, in the polite live region (screen readers read it after the current speech). */
export function announce(message) {
  $("error").textContent = "";
  $("status").textContent = message;
}

/** The words for a failed call: the API's own description, plus what to do where there is something. */
export function describeError(error) {
  if (error?.kind === "rate_limited") {
    return error.retryAfter === undefined ? `${error.description}` : `${error.description} Try again in ${error.retryAfter} seconds.`;
  }
  // WebAuthn's own refusals (DOMException): the user cancelled, or no passkey was there.
  if (error?.name === "NotAllowedError") return "The passkey request was cancelled or timed out, or no passkey for this site was found.";
  if (error?.name === "InvalidStateError") return "This authenticator already holds a passkey for this account.";
  if (error?.kind === "network") return "The service could not be reached. Check the connection and try again.";
  if (error?.kind === "unavailable") return `The service is unavailable for now: ${error.description}`;
  if (error?.description) return error.description;
  return `Something went wrong: ${String(error)}`;
}

/** Shows a failure in the assertive live region, and the API's per-field messages next to their fields. */
export function showError(error, form) {
  $("status").textContent = "";
  $("error").textContent = describeError(error);
  if (!form || !error?.fields) return;
  for (const [name, message] of Object.entries(error.fields)) {
    const input = form.elements.namedItem(fieldNames[name] ?? name);
    if (!(input instanceof HTMLInputElement)) continue;
    input.setAttribute("aria-invalid", "true");
    const slot = document.getElementById(`${input.id}-error`);
    if (slot) slot.textContent = message;
  }
}

// The API names fields as its JSON does; the change-password form names them shorter.
const fieldNames = { current_password: "current", new_password: "new" };

function clearFieldErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
}

/**
 * Runs `action` for a form or a button: controls disabled and aria-busy while it runs (no double
 * submission), errors shown and announced, the form's passwords emptied whatever the outcome.
 */
export async function busy(target, action) {
  const form = target instanceof HTMLFormElement ? target : null;
  const controls = form ? [...form.elements] : [target];
  if (form) clearFieldErrors(form);
  for (const control of controls) control.disabled = true;
  target.setAttribute("aria-busy", "true");
  try {
    return await action();
  } catch (error) {
    showError(error, form);
    return undefined;
  } finally {
    for (const control of controls) control.disabled = false;
    target.removeAttribute("aria-busy");
    if (form) for (const input of form.querySelectorAll('input[type="password"]')) input.value = "";
  }
}

/** A form's fields by name, trimmed (passwords untouched: spaces are part of a passphrase). */
export function valuesOf(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) values[name] = form.elements.namedItem(name)?.type === "password" ? value : String(value).trim();
  return values;
}

/**
 * The `token` in the fragment of a link from a message (#token=...). It is removed from the
 * address bar and the history at once, so it is not left behind in the browser.
 */
export function takeFragmentToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (location.hash) history.replaceState(null, "", `${location.pathname}${location.search}`);
  return token;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** An ISO 8601 string or epoch milliseconds, in the reader's locale. */
export function formatDate(value) {
  return dateTime.format(new Date(value));
}
