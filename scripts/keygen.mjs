#!/usr/bin/env node
// Signing keys for SIGNING_KEYS (a JWK set of private keys, each with `kid` and `alg`).
//   node scripts/keygen.mjs [RS256|ES256|EdDSA]   print a new set with one key (first deployment)
//   npm run keys -- list                          the keys in .dev.vars, the active one marked
//   npm run keys -- add [RS256|ES256|EdDSA]       add a new key (published, not signing); prints its kid
//   npm run keys -- activate <kid>                sign with it: ACTIVE_KID and JWT_ALGORITHM
//   npm run keys -- retire <kid>                  remove a key that no longer signs
// They edit .dev.vars (or the dotenv file in --file PATH or EDGE_AUTH_DEV_VARS). With --set PATH
// they edit a JSON file holding the set instead (production: Cloudflare never shows a secret
// again, so keep the set somewhere safe and `npx wrangler secret put SIGNING_KEYS < PATH`).
// `wrangler dev` reads .dev.vars at start: restart `npm start` after a change.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateSigningKey } from "./keys.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const fail = (message) => {
  console.error(`keys: ${message}`);
  process.exit(1);
};

function option(args, name) {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  if (!value) fail(`${name} needs a path`);
  return value;
}

/** A dotenv file: the set is the SIGNING_KEYS line; ACTIVE_KID and JWT_ALGORITHM are lines too. */
function dotenvStore(file) {
  if (!existsSync(file)) fail(`${file} does not exist (npm start writes .dev.vars on first start)`);
  const lines = readFileSync(file, "utf8").split("\n");
  const find = (name) => lines.findIndex((line) => line.startsWith(`${name}=`));
  const get = (name) => (find(name) < 0 ? undefined : lines[find(name)].slice(name.length + 1).trim());
  const set = (name, value) => (find(name) < 0 ? lines.push(`${name}=${value}`) : (lines[find(name)] = `${name}=${value}`));
  return {
    where: file,
    keys: () => parseSet(get("SIGNING_KEYS") ?? "", `SIGNING_KEYS in ${file}`),
    activeKid: () => get("ACTIVE_KID") || undefined,
    save(keys, active) {
      set("SIGNING_KEYS", JSON.stringify({ keys }));
      if (active) {
        set("ACTIVE_KID", active.kid);
        set("JWT_ALGORITHM", active.alg);
      }
      writeFileSync(file, lines.join("\n"), { mode: 0o600 });
    },
  };
}

/** A JSON file holding the set; ACTIVE_KID and JWT_ALGORITHM live in Cloudflare, so they are printed. */
function jsonStore(file) {
  return {
    where: file,
    keys: () => (existsSync(file) ? parseSet(readFileSync(file, "utf8"), file) : []),
    save(keys, active) {
      writeFileSync(file, JSON.stringify({ keys }) + "\n", { mode: 0o600 });
      console.error(`keys: wrote ${file}; deploy it with: npx wrangler secret put SIGNING_KEYS < ${file}`);
      if (active) {
        console.error(`keys: then, in one deployment: printf %s ${active.kid} | npx wrangler secret put ACTIVE_KID`);
        console.error(`keys: and JWT_ALGORITHM = "${active.alg}" in wrangler.toml [vars], then npx wrangler deploy`);
      }
    },
  };
}

function parseSet(text, where) {
  if (text.trim() === "") return [];
  try {
    const keys = JSON.parse(text).keys;
    if (Array.isArray(keys)) return keys;
  } catch {}
  fail(`${where} is not a JWK set ({"keys": [...]})`);
}

const args = process.argv.slice(2);
const command = args[0];
if (command === "--help" || command === "help" || args.includes("--help")) {
  // The usage is this file's opening comment: one text for readers of the code and of --help.
  const usage = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1).filter((line) => line.startsWith("//")).map((line) => line.slice(3));
  console.log(usage.join("\n"));
  process.exit(0);
}
if (command === undefined || ["RS256", "ES256", "EdDSA"].includes(command)) {
  const key = generateSigningKey(command ?? "RS256");
  console.log(JSON.stringify({ keys: [key] }));
  console.error(`kid: ${key.kid}`);
  process.exit(0);
}

const setFile = option(args, "--set");
const store = setFile ? jsonStore(setFile) : dotenvStore(option(args, "--file") ?? process.env.EDGE_AUTH_DEV_VARS ?? path.join(root, ".dev.vars"));
const keys = store.keys();
// A dotenv file names the active key (ACTIVE_KID, else the first); a bare set cannot say.
const active = setFile ? undefined : (store.activeKid() ?? keys[0]?.kid);
const named = (kid) => keys.find((key) => key.kid === kid) ?? fail(`no key ${kid ?? "(none given)"} in ${store.where}; known: ${keys.map((k) => k.kid).join(", ") || "none"}`);

switch (command) {
  case "list":
    for (const key of keys) console.log(`${key.kid} ${key.alg}${key.kid === active ? " active" : ""}`);
    break;
  case "add": {
    let key;
    try {
      key = generateSigningKey(args[1] ?? "RS256");
    } catch (error) {
      fail(error.message);
    }
    store.save([...keys, key]);
    console.error(`keys: added ${key.alg} key ${key.kid} to ${store.where}; it is published, not signing. Activate it once caches have the JWKS (max-age 300 s).`);
    console.log(key.kid);
    break;
  }
  case "activate": {
    const key = named(args[1]);
    store.save(keys, key);
    const when = setFile ? "once that is deployed" : "from the next start";
    console.error(`keys: ${key.kid} (${key.alg}) signs ${when}; keep the old key until its tokens have expired, then retire it.`);
    break;
  }
  case "retire": {
    const key = named(args[1]);
    if (key.kid === active) fail(`${key.kid} is the active key; activate another one first`);
    if (!active) console.error(`keys: make sure ACTIVE_KID is not ${key.kid} before deploying this set`);
    store.save(keys.filter((k) => k.kid !== key.kid));
    console.error(`keys: removed ${key.kid} from ${store.where}; tokens it signed no longer verify.`);
    break;
  }
  default:
    fail(`unknown command ${command}; use list, add [alg], activate <kid>, retire <kid>, or an algorithm to print a new set (--help)`);
}
