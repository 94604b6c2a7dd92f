#!/usr/bin/env node
// The RFC 6238 code an authenticator app shows for a base32 secret (SHA-1, 6 digits, 30 s), with
// node:crypto: for trying the second factor from a terminal (docs/mfa.md). The service does not use it.
//   node docs/examples/totp-code.mjs SECRET          the code of the current 30-second step
//   node docs/examples/totp-code.mjs SECRET --next   the next step's (accepted too: one step of drift)
import { createHmac } from "node:crypto";

const [secret, flag] = process.argv.slice(2);
if (!secret || (flag !== undefined && flag !== "--next")) {
  console.error("usage: node docs/examples/totp-code.mjs SECRET [--next]");
  process.exit(2);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
let bits = "";
for (const char of secret.toUpperCase().replace(/=+$/, "")) {
  const value = ALPHABET.indexOf(char);
  if (value < 0) {
    console.error(`not a base32 secret: ${secret}`);
    process.exit(2);
  }
  bits += value.toString(2).padStart(5, "0");
}
const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));

const step = Math.floor(Date.now() / 30_000) + (flag === "--next" ? 1 : 0);
const counter = Buffer.alloc(8);
counter.writeBigUInt64BE(BigInt(step));
const mac = createHmac("sha1", key).update(counter).digest();
// RFC 4226 §5.3: dynamic truncation.
const offset = mac[19] & 0xf;
const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
console.log(String(code).padStart(6, "0"));
