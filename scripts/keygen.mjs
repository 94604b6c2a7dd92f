#!/usr/bin/env node
// Prints a new private signing JWK for SIGNING_KEYS: `npm run keygen -- ES256`.
import { generateSigningKey } from "./keys.mjs";

console.log(JSON.stringify(generateSigningKey(process.argv[2] ?? "RS256")));
