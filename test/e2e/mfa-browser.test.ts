// The second factor in the demo app (public/index.html, public/demo/factors.js), in Debian's
// headless Chromium against the real worker: a passkey made by Chromium's virtual authenticator
// (DevTools protocol, WebAuthn domain) registered and used to sign in without a username and as the
// second step; and an authenticator app turned on and used, its codes computed here by an
// independent RFC 6238 implementation (node:crypto), with recovery codes that work once. One worker
// and one browser for the file. The page is opened at http://localhost: WebAuthn needs a secure
// context and a domain as RP ID (browsers refuse an IP address), and under npm start the relying
// party is the request's own host (docs/passkeys.md).
import { createHmac } from "node:crypto";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { demoPage, screenshot, storedInBrowser } from "./demo-page";
import { startWorker, type RunningWorker } from "./worker";

const PASSWORD = "correct horse battery staple";
const WRONG_CODE = "The code is incorrect or was already used.";
let worker: RunningWorker;
let browser: BrowserContext;
let site: string;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchChromium()]);
  site = `http://localhost:${worker.port}`;
});
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});
afterEach(async () => {
  await browser.clearCookies();
  for (const page of browser.pages()) await page.close();
});

const uniqueName = (prefix: string) => `${prefix}${crypto.randomUUID().slice(0, 8)}`;

/** RFC 6238 (SHA-1, 6 digits, 30 s) for a base32 secret, written here apart from the server's library. */
function totpCode(secret: string, stepOffset = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secret.replace(/=+$/, "")].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + stepOffset));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[19]! & 0xf; // RFC 4226 §5.3, dynamic truncation
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** Chromium's virtual authenticator on `page`: a platform passkey store that verifies the user. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

type Demo = Awaited<ReturnType<typeof demoPage>>;

async function registerInDemo(demo: Demo): Promise<string> {
  const username = uniqueName("mfa");
  await demo.expectSignedOut("Not signed in. Log in or register.");
  await demo.register(username, `${username}@example.com`, PASSWORD);
  await demo.expectSignedIn(username, `Signed in as ${username}.`);
  return username;
}

/** Logs out and in with the password; the page then asks for the second step. */
async function passwordThenSecondStep(demo: Demo, username: string, visible: { code: boolean; passkey: boolean; recovery: boolean }) {
  await demo.click("#logout-button");
  await demo.expectSignedOut("You are signed out.");
  await demo.logIn(username, PASSWORD);
  await demo.expectStatus("The password was right. One more step: your second factor.");
  const shown = await demo.page.evaluate(() => ({
    signedOut: document.getElementById("signed-out")!.hidden,
    code: !document.getElementById("mfa-code-form")!.hidden,
    passkey: !document.getElementById("mfa-passkey")!.hidden,
    recovery: !document.getElementById("mfa-recovery-form")!.hidden,
    focus: document.activeElement?.id,
  }));
  expect(shown).toEqual({ signedOut: true, ...visible, focus: "second-step-title" });
}

describe("the second factor in the demo app, in Chromium", () => {
  it("registers a passkey, signs in with it without a username, takes it as the second step, and removes it", async () => {
    const demo = await demoPage(browser, site);
    const { cdp, authenticatorId } = await virtualAuthenticator(demo.page);
    const username = await registerInDemo(demo);

    await demo.page.getByLabel("Name for a new passkey (optional)").fill("Laptop <b>");
    await demo.page.getByRole("button", { name: "Add a passkey" }).click();
    await demo.expectStatus("The passkey Laptop <b> was added.");
    await demo.page.waitForSelector("#passkeys-body tr");
    expect(await demo.page.$$eval("#passkeys-body td", (cells) => cells.map((cell) => cell.textContent))).toEqual(["Laptop <b>", expect.any(String), "never", "Remove"]);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials.map((c) => [c.isResidentCredential, c.rpId])).toEqual([[true, "localhost"]]);

    // Usernameless: the authenticator offers the passkey it holds for localhost.
    await demo.click("#logout-button");
    await demo.expectSignedOut("You are signed out.");
    await demo.page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    await demo.page.waitForFunction(() => document.querySelector("#passkeys-body td:nth-child(3)")?.textContent !== "never");

    // With a passkey, the password alone no longer signs in: the passkey is the second step.
    await passwordThenSecondStep(demo, username, { code: false, passkey: true, recovery: false });
    await demo.page.getByRole("button", { name: "Use a passkey" }).click();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    expect(await storedInBrowser(demo.page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: [], documentCookie: "" });

    await demo.page.getByRole("button", { name: "Remove the passkey Laptop <b>" }).click();
    await demo.expectStatus("The passkey Laptop <b> was removed.");
    await demo.page.waitForFunction(() => document.querySelectorAll("#passkeys-body tr").length === 0);
    await demo.click("#logout-button");
    await demo.expectSignedOut("You are signed out.");
    await demo.logIn(username, PASSWORD);
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    expect(demo.problems()).toEqual([]);
  });

  it("turns the authenticator app on with the QR code and key, logs in with a code, a recovery code works once, and turns it off", async () => {
    const demo = await demoPage(browser, site);
    const username = await registerInDemo(demo);

    await demo.page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await demo.expectStatus("Add the key to your authenticator app, then enter the code it shows.");
    const secret = await demo.text("#totp-secret");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code is an image from a blob: URL that loaded under the page's CSP; no SVG in the document.
    await demo.page.waitForFunction(() => (document.getElementById("totp-qr") as HTMLImageElement).naturalWidth > 0);
    expect(await demo.page.evaluate(() => [(document.getElementById("totp-qr") as HTMLImageElement).src.startsWith("blob:"), document.querySelectorAll("svg").length])).toEqual([true, 0]);
    expect(await demo.page.evaluate(() => document.activeElement?.id)).toBe("totp-confirm-code");
    // README's picture of the second factor (docs/images/demo-mfa.png, refreshed by npm run screenshots).
    await screenshot(demo.page, "demo-mfa.png");

    await demo.page.getByLabel("Code from the app, to confirm").fill(totpCode(secret));
    await demo.page.getByRole("button", { name: "Turn on the authenticator app" }).click();
    await demo.expectStatus("The authenticator app is on. Keep the recovery codes below: they are shown only once.");
    const codes = await demo.page.$$eval("#recovery-codes-list li", (items) => items.map((item) => item.textContent!));
    expect(codes).toHaveLength(10);
    expect(await demo.text("#totp-secret")).toBe("");
    await demo.page.getByRole("button", { name: "I have kept them" }).click();
    expect(await demo.page.$$eval("#recovery-codes-list li", (items) => items.length)).toBe(0);

    // A wrong code is refused and the step stays open; the next step's code (one step of drift;
    // the confirming step's code would be a replay) signs in.
    await passwordThenSecondStep(demo, username, { code: true, passkey: false, recovery: true });
    expect(await storedInBrowser(demo.page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: [], documentCookie: "" });
    await demo.page.getByLabel("Code from your authenticator app").fill(totpCode(secret, 10));
    await demo.page.getByRole("button", { name: "Verify the code" }).click();
    await demo.expectError(WRONG_CODE);
    await demo.page.getByLabel("Code from your authenticator app").fill(totpCode(secret, 1));
    await demo.page.getByRole("button", { name: "Verify the code" }).click();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);

    // A recovery code signs in once; the second time it is refused, and another one works.
    await passwordThenSecondStep(demo, username, { code: true, passkey: false, recovery: true });
    await demo.page.getByLabel("One of your recovery codes").fill(codes[0]!);
    await demo.page.getByRole("button", { name: "Use the recovery code" }).click();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    await passwordThenSecondStep(demo, username, { code: true, passkey: false, recovery: true });
    await demo.page.getByLabel("One of your recovery codes").fill(codes[0]!);
    await demo.page.getByRole("button", { name: "Use the recovery code" }).click();
    await demo.expectError(WRONG_CODE);
    await demo.page.getByLabel("One of your recovery codes").fill(codes[1]!);
    await demo.page.getByRole("button", { name: "Use the recovery code" }).click();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);

    await demo.page.getByLabel("Your password, to turn the app off or to replace the recovery codes").fill(PASSWORD);
    await demo.page.getByRole("button", { name: "Turn off the authenticator app" }).click();
    await demo.expectStatus("The authenticator app is off.");
    await demo.click("#logout-button");
    await demo.expectSignedOut("You are signed out.");
    await demo.logIn(username, PASSWORD);
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    expect(demo.problems()).toEqual([]);
  });
});
