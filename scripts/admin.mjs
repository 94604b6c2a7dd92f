#!/usr/bin/env node
// `npm run admin -- create|grant|revoke|list`: the first administrator comes from this command, not
// from an endpoint. It talks to D1 through `wrangler d1 execute`: the local
// database `npm start` uses by default, the one in wrangler.toml with --remote. The password never
// reaches a command line: it is read from a prompt or stdin and only its hash is sent.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { hashPassword, normaliseIdentifier, passwordProblem, readPassword, sql, usernameProblem, emailProblem } from "./admin-lib.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const HELP = {
  main: `Usage: npm run admin -- <command> [options]

Commands:
  create --username NAME --email EMAIL   create an active account with the admin role
  grant USER ROLE                        add ROLE (e.g. admin) to USER (username or email)
  revoke USER ROLE                       remove ROLE from USER (never the last active admin)
  list                                   list the accounts with the admin role

Options (every command):
  --local             the local D1 of \`npm start\` (default)
  --remote            the D1 database of wrangler.toml on Cloudflare (needs \`wrangler login\`)
  --persist-to DIR    the local D1's state directory, as given to \`npm start -- --persist-to\`
                      (default: EDGE_AUTH_PERSIST_TO, else wrangler's own)
  --help              this text, or a command's own: npm run admin -- create --help`,
  create: `Usage: npm run admin -- create --username NAME --email EMAIL [--local | --remote] [--persist-to DIR]

Creates an active account with the role "admin". The password is asked twice on a terminal (not
echoed), or read from stdin when stdin is not a terminal (one line):
  printf '%s\\n' "$PASSWORD" | npm run admin -- create --username root --email root@example.com
It is hashed here as the worker hashes it (pbkdf2_sha512, 100,000 iterations, with PASSWORD_PEPPER
from the environment, else from .dev.vars for the local database).`,
  grant: `Usage: npm run admin -- grant USER ROLE [--local | --remote] [--persist-to DIR]

Adds ROLE to the account whose username or email is USER. Takes effect on the account's next request
to /admin (the worker reads roles from D1, cached at most 5 s per isolate).`,
  revoke: `Usage: npm run admin -- revoke USER ROLE [--local | --remote] [--persist-to DIR]

Removes ROLE from the account whose username or email is USER. D1 refuses to remove the admin role
from the last active admin.`,
  list: `Usage: npm run admin -- list [--local | --remote] [--persist-to DIR]

Lists every account with the role "admin": id, username, email, active or not, last login.`,
};

class UsageError extends Error {}

function fail(message, code = 1) {
  console.error(`admin: ${message}`);
  process.exit(code);
}

/** Runs SQL on D1 through wrangler; answers the result sets, one per statement. */
function d1(statements, target) {
  const args = ["d1", "execute", "DB", target.remote ? "--remote" : "--local", ...(target.persistTo ? ["--persist-to", target.persistTo] : []), "--json", "--command", statements.join(";\n")];
  const run = spawnSync(path.join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  if (run.error) fail(`could not run wrangler: ${run.error.message}`);
  if (/edge-auth: last active admin/.test(output)) fail("refused: that would leave no active admin (grant the role to another account first)");
  if (/UNIQUE constraint failed/.test(output)) fail("an account with this username or email already exists (use `grant USER admin` to make it an admin)");
  if (/no such table/.test(output)) fail("the database has no edge-auth schema yet: run `npm run setup` (local) or `wrangler d1 migrations apply DB --remote`");
  if (run.status !== 0) fail(`wrangler d1 execute failed:\n${output.trim()}`);
  try {
    return JSON.parse(run.stdout).map((set) => set.results ?? []);
  } catch {
    fail(`unexpected output from wrangler:\n${output.trim()}`);
  }
}

/** PASSWORD_PEPPER from the environment, else (local only) from .dev.vars, as `wrangler dev` reads it. */
function pepper(target) {
  if (process.env.PASSWORD_PEPPER) return process.env.PASSWORD_PEPPER;
  const devVars = process.env.EDGE_AUTH_DEV_VARS ?? path.join(root, ".dev.vars");
  if (target.remote || !existsSync(devVars)) return undefined;
  const line = readFileSync(devVars, "utf8").split("\n").find((l) => l.startsWith("PASSWORD_PEPPER="));
  return line ? line.slice("PASSWORD_PEPPER=".length).trim().replace(/^"(.*)"$/, "$1") : undefined;
}

const CLI_ACTOR = "cli";
const now = () => new Date().toISOString();
const auditRow = (event, userExpr, detail, when) =>
  `INSERT INTO audit_events (at, event, user_id, subject, ip, detail) SELECT ${sql(now())}, ${sql(event)}, ${userExpr}, NULL, NULL, ${sql(JSON.stringify(detail))} WHERE ${when}`;
const userOf = (user) => `(SELECT user_id FROM login_identifiers WHERE identifier = ${sql(normaliseIdentifier(user))})`;

async function create(options, target) {
  if (!options.username || !options.email) throw new UsageError("create needs --username and --email");
  const username = options.username.normalize("NFKC");
  const email = options.email.trim();
  const problem = usernameProblem(username, email) ?? emailProblem(email);
  if (problem) fail(problem);
  const password = await readPassword();
  const weak = passwordProblem(password, root);
  if (weak) fail(weak);
  const id = crypto.randomUUID();
  const at = now();
  const hash = hashPassword(password, pepper(target));
  const identifiers = [...new Set([normaliseIdentifier(username), normaliseIdentifier(email)])];
  d1(
    [
      `INSERT INTO users (id, username, username_normalized, email, email_normalized, password_hash, roles, is_active, token_version, created_at, updated_at)
       VALUES (${[id, username, normaliseIdentifier(username), email, normaliseIdentifier(email), hash, '["admin"]'].map(sql).join(", ")}, 1, 0, ${sql(at)}, ${sql(at)})`,
      ...identifiers.map((identifier) => `INSERT INTO login_identifiers (identifier, user_id) VALUES (${sql(identifier)}, ${sql(id)})`),
      auditRow("admin_role_granted", sql(id), { actor: CLI_ACTOR, role: "admin" }, "1"),
    ],
    target,
  );
  console.log(`created admin ${username} (id ${id})`);
}

function changeRole(kind, [user, role], target) {
  if (!user || !role) throw new UsageError(`${kind} needs USER and ROLE, e.g. npm run admin -- ${kind} alice admin`);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(role)) fail("a role is 1 to 64 letters, digits or _ . : -");
  const has = `EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = ${sql(role)})`;
  const roles = kind === "grant" ? `json_insert(roles, '$[#]', ${sql(role)})` : `(SELECT json_group_array(value) FROM json_each(users.roles) WHERE value <> ${sql(role)})`;
  const [updated, , found] = d1(
    [
      `UPDATE users SET roles = ${roles}, updated_at = ${sql(now())} WHERE id = ${userOf(user)} AND ${kind === "grant" ? "NOT " : ""}${has} RETURNING id`,
      auditRow(kind === "grant" ? "admin_role_granted" : "admin_role_revoked", userOf(user), { actor: CLI_ACTOR, role }, "changes() = 1"),
      `SELECT username, roles FROM users WHERE id = ${userOf(user)}`,
    ],
    target,
  );
  if (found.length === 0) fail(`no account has the username or email ${JSON.stringify(user)}`);
  const verb = kind === "grant" ? "granted" : "revoked";
  console.log(updated.length > 0 ? `${verb} ${role} ${kind === "grant" ? "to" : "from"} ${found[0].username}; roles now ${found[0].roles}` : `${found[0].username} ${kind === "grant" ? "already has" : "does not have"} ${role}; nothing changed`);
}

function list(target) {
  const [admins] = d1(
    ["SELECT u.id, u.username, u.email, u.is_active, u.last_login_at FROM users u WHERE EXISTS (SELECT 1 FROM json_each(u.roles) WHERE value = 'admin') ORDER BY u.username_normalized"],
    target,
  );
  if (admins.length === 0) return console.log("no admins yet: npm run admin -- create --username NAME --email EMAIL");
  for (const a of admins) console.log([a.id, a.username, a.email ?? "-", a.is_active ? "active" : "disabled", a.last_login_at ?? "never logged in"].join("\t"));
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { help: { type: "boolean" }, local: { type: "boolean" }, remote: { type: "boolean" }, "persist-to": { type: "string" }, username: { type: "string" }, email: { type: "string" } },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") return console.log(HELP[command] ?? HELP.main);
  if (!Object.hasOwn(HELP, command) || command === "main") throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  if (values.local && values.remote) throw new UsageError("give --local or --remote, not both");
  if (values.remote && values["persist-to"]) throw new UsageError("--persist-to is for the local database only");
  const allowed = command === "create" ? 0 : command === "list" ? 0 : 2;
  if (rest.length > allowed) throw new UsageError(`too many arguments for ${command}: ${rest.slice(allowed).join(" ")}`);
  if (command !== "create" && (values.username || values.email)) throw new UsageError(`--username and --email are for create only`);
  // EDGE_AUTH_PERSIST_TO: a default for --persist-to, for a shell that works on one worker's state.
  const persistTo = values["persist-to"] ?? (values.remote ? undefined : process.env.EDGE_AUTH_PERSIST_TO || undefined);
  const target = { remote: values.remote === true, persistTo };
  if (command === "create") return create(values, target);
  if (command === "list") return list(target);
  return changeRole(command, rest, target);
}

main().catch((error) => {
  if (error instanceof UsageError) fail(`${error.message}\n\n${HELP.main}`, 2);
  fail(error.message);
});
