// The second factor in the demo app: the login's second step (authenticator code, recovery code or
// passkey), turning the authenticator app on and off, recovery codes (shown once), and passkeys.
// As everywhere on the page, what the service sends is set as text; the QR code, an SVG document,
// is shown through an <img> from a blob: URL, where no script of it can run (never innerHTML).
import { renderPasskeys, showView } from "./render.js";
import { announce, busy, valuesOf } from "./ui.js";

const $ = (id) => document.getElementById(id);
let qrUrl = null;

export function setUpFactors(auth, acting) {
  function showSecondStep(factors) {
    $("signed-out").hidden = true;
    $("second-step").hidden = false;
    $("mfa-code-form").hidden = !factors.includes("totp");
    $("mfa-passkey").hidden = !factors.includes("passkey");
    $("mfa-recovery-form").hidden = !factors.includes("recovery_code");
    $("second-step-title").focus();
    announce("The password was right. One more step: your second factor.");
  }

  /** A step the service cannot take any more (the mfa_token is spent or expired): back to the password. */
  async function secondStep(target, proof) {
    await busy(target, () =>
      acting(() => auth.verifyMfa(proof)).catch((error) => {
        if (error?.code === "invalid_grant" || error?.code === "no_second_step") showView(false, true);
        throw error;
      }),
    );
  }

  $("mfa-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void secondStep(event.currentTarget, { code: valuesOf(event.currentTarget).code });
  });
  $("mfa-recovery-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void secondStep(event.currentTarget, { recoveryCode: valuesOf(event.currentTarget).recovery_code });
  });
  $("mfa-passkey-button").addEventListener("click", (event) => void secondStep(event.currentTarget, { passkey: true }));
  $("mfa-cancel-button").addEventListener("click", () => {
    showView(false, true);
    announce("Log in again.");
  });
  $("passkey-signin-button").addEventListener("click", (event) => void busy(event.currentTarget, () => acting(() => auth.passkeys.signIn())));

  function showRecoveryCodes(codes, message) {
    $("recovery-codes-list").replaceChildren(...codes.map((code) => Object.assign(document.createElement("li"), { textContent: code })));
    $("recovery-codes").hidden = false;
    $("recovery-codes-title").focus();
    announce(message);
  }

  function hideEnrollment() {
    if (qrUrl) URL.revokeObjectURL(qrUrl);
    qrUrl = null;
    $("totp-qr").removeAttribute("src");
    $("totp-secret").textContent = "";
    $("totp-enrollment").hidden = true;
  }

  $("totp-enroll-button").addEventListener("click", (event) => {
    void busy(event.currentTarget, async () => {
      const { secret, qr_svg } = await auth.totp.enroll();
      hideEnrollment();
      qrUrl = URL.createObjectURL(new Blob([qr_svg], { type: "image/svg+xml" }));
      $("totp-qr").src = qrUrl;
      $("totp-secret").textContent = secret;
      $("totp-enrollment").hidden = false;
      $("totp-confirm-code").focus();
      announce("Add the key to your authenticator app, then enter the code it shows.");
    });
  });

  $("totp-confirm-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    // Read before busy(): FormData leaves out the disabled controls.
    const { code } = valuesOf(form);
    void busy(form, async () => {
      const codes = await auth.totp.confirm(code);
      form.reset();
      hideEnrollment();
      showRecoveryCodes(codes, "The authenticator app is on. Keep the recovery codes below: they are shown only once.");
    });
  });

  $("factor-password-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const { password } = valuesOf(form);
    const action = event.submitter?.value;
    void busy(form, async () => {
      if (action === "regenerate") return showRecoveryCodes(await auth.recoveryCodes.regenerate({ password }), "New recovery codes: the old ones no longer work. They are shown only once.");
      await auth.totp.disable({ password });
      announce("The authenticator app is off.");
    });
  });

  $("recovery-codes-done").addEventListener("click", () => {
    $("recovery-codes-list").replaceChildren();
    $("recovery-codes").hidden = true;
    $("factors-title").focus();
  });

  function loadPasskeys() {
    return busy($("passkey-register-form"), async () => renderPasskeys(await auth.passkeys.list(), removePasskey));
  }

  function removePasskey(passkey, button) {
    return busy(button, async () => {
      await auth.passkeys.remove(passkey.id);
      announce(`The passkey ${passkey.name} was removed.`);
      await loadPasskeys();
    });
  }

  $("passkey-register-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const { name } = valuesOf(form);
    void busy(form, async () => {
      const passkey = await auth.passkeys.register(name === "" ? undefined : name);
      form.reset();
      announce(`The passkey ${passkey.name} was added.`);
    }).then(loadPasskeys);
  });

  /** Forgets everything shown of the factors (sign-out). */
  function clearFactors() {
    hideEnrollment();
    $("recovery-codes-list").replaceChildren();
    $("recovery-codes").hidden = true;
    $("passkeys-body").replaceChildren();
  }

  return { showSecondStep, loadPasskeys, clearFactors };
}
