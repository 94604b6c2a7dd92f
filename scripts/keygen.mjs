#!/usr/bin/env node
// Prints a JWK set with one new private signing key, ready for SIGNING_KEYS:
//   node scripts/keygen.mjs [RS256|ES256|EdDSA] | npx wrangler secret put SIGNING_KEYS
// To rotate, add its key to the existing set's "keys" array, then switch ACTIVE_KID to its kid.
import { generateSigningKey } from "./keys.mjs";

const key = generateSigningKey(process.argv[2] ?? "RS256");
console.log(JSON.stringify({ keys: [key] }));
console.error(`kid: ${key.kid}`);
