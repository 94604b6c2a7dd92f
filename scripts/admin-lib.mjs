// The parts of `npm run admin` that must agree with the worker: identifier rules and normalisation
// (src/accounts/identifiers.ts), the password policy's offline rules (src/accounts/password-policy.ts)
// and the stored hash format (src/passwords/kdf.ts). test/e2e/admin-cli.test.ts logs in over HTTP
// with an account this script made, so a drift in the hash is a failing test, not a locked-out admin.
import { createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** Workers reject PBKDF2 above 100,000 iterations; the worker's default algorithm is SHA-512. */
const ITERATIONS = 100_000;

/** `pbkdf2_sha512$100000$<salt>$<hash>`, as kdf.ts derive(): NFC, then HMAC-SHA-256 with the pepper if any. */
export function hashPassword(password, pepper) {
  let input = Buffer.from(password.normalize("NFC"), "utf8");
  if (pepper) input = createHmac("sha256", Buffer.from(pepper, "utf8")).update(input).digest();
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(input, salt, ITERATIONS, 64, "sha512");
  return `pbkdf2_sha512$${ITERATIONS}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/** identifiers.ts: NFKC and lower case (emails trimmed too). */
export const normaliseIdentifier = (value) => value.trim().normalize("NFKC").toLowerCase();

const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;

export function usernameProblem(username, email) {
  if (username.length === 0 || username.length > 150) return "the username must be 1 to 150 characters";
  if (!USERNAME_PATTERN.test(username)) return "the username may contain only letters, numbers, and @/./+/-/_ characters";
  if (username.includes("@") && normaliseIdentifier(username) !== normaliseIdentifier(email)) return "a username that looks like an email address must be the account's own email";
  return undefined;
}

export function emailProblem(email) {
  if (email.length > 254) return "the email must have at most 254 characters";
  return EMAIL_PATTERN.test(email) ? undefined : "enter a valid email address";
}

let common;
/** The strict policy's list, read from the migration that loads it into D1 (no round trip, no password on a command line). */
function isCommon(password, root) {
  common ??= new Set([...readFileSync(path.join(root, "migrations", "0004_common_passwords.sql"), "utf8").matchAll(/^\('((?:[^']|'')*)'\)[,;]$/gm)].map((m) => m[1].replace(/''/g, "'")));
  return common.has(password.toLowerCase());
}

export function passwordProblem(password, root) {
  const normalised = password.normalize("NFC");
  if (Buffer.byteLength(normalised, "utf8") > 1024) return "the password must have at most 1024 bytes";
  if ([...normalised].length < 8) return "the password must have at least 8 characters";
  if (/^\d+$/.test(normalised)) return "the password must not be entirely numeric";
  if (isCommon(normalised, root)) return "this password is too common";
  return undefined;
}

/** A SQL literal: strings quoted with '' doubled, null as NULL. */
export const sql = (value) => (value === null || value === undefined ? "NULL" : `'${String(value).replace(/'/g, "''")}'`);

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (text += chunk));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

/** One line typed with echo off (raw mode); Ctrl-C aborts. */
function prompt(question) {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    // Echo off before the question shows: a fast typist (or a script) must not beat it.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.resume();
    stdin.setEncoding("utf8");
    let typed = "";
    const onData = (chunk) => {
      for (const char of chunk) {
        if (char === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (char === "\r" || char === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          return resolve(typed);
        }
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on("data", onData);
  });
}

/** From a terminal: asked twice, not echoed. Otherwise: stdin's first line. */
export async function readPassword() {
  if (process.stdin.isTTY) {
    const first = await prompt("Password: ");
    const again = await prompt("Password (again): ");
    if (first !== again) throw new Error("the two passwords differ");
    return first;
  }
  const text = await readStdin();
  const line = text.split(/\r?\n/)[0] ?? "";
  if (line.length === 0) throw new Error("no password on stdin (pipe one line, or run on a terminal to be asked)");
  return line;
}
