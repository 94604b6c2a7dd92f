// Runs a document's runnable shell blocks, in order, as one bash session against a worker: what a
// reader pastes into one terminal. Each command's stdout, stderr, exit status and the HTTP status
// of its curl are kept, so a test can compare them with the answer the document shows (`# =>`).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Block, type Command, commandsOf, root } from "./markdown";

export interface Ran {
  block: Block;
  command: Command;
  /** The command as run: the document's text with its port moved to the test worker's. */
  text: string;
  exit: number | null;
  stdout: string;
  stderr: string;
  /** The HTTP status of each curl transfer the command made, in order. */
  statuses: number[];
}

/** The documents name the default port; the test worker has its own. */
export const onPort = (text: string, port: number) => text.replace(/\b(127\.0\.0\.1|localhost):8787\b/g, `$1:${port}`);

const PRELUDE = `

set -o pipefail
# Records each transfer's status on stderr, leaving stdout exactly what the reader sees.
curl() { command curl --write-out '%{stderr}@@status %{http_code}\\n' "$@"; }
`;

/** `persist`: the worker's local state directory, where `npm run admin` finds its D1 (EDGE_AUTH_PERSIST_TO). */
export function runSession(blocks: Block[], port: number, persist?: string): Ran[] {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-docs-"));
  try {
    // Key commands edit a copy of .dev.vars, never the reader's own (scripts/keygen.mjs).
    const devVars = path.join(dir, "dev.vars");
    if (existsSync(path.join(root, ".dev.vars"))) copyFileSync(path.join(root, ".dev.vars"), devVars);
    const planned = blocks.flatMap((block) => commandsOf(block).map((command) => ({ block, command, text: onPort(command.text, port) })));
    const script = [
      PRELUDE,
      ...planned.map(({ text }, i) => `{ ${text}\n} >"${dir}/${i}.out" 2>"${dir}/${i}.err" </dev/null\necho $? >"${dir}/${i}.exit"`),
    ].join("\n");
    writeFileSync(path.join(dir, "session.sh"), script);
    spawnSync("bash", [path.join(dir, "session.sh")], {
      cwd: root,
      env: { ...process.env, EDGE_AUTH_DEV_VARS: devVars, ...(persist ? { EDGE_AUTH_PERSIST_TO: persist } : {}), NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" },
      timeout: 240_000,
    });
    const read = (file: string) => (existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), "utf8") : "");
    return planned.map((p, i) => {
      const stderr = read(`${i}.err`);
      return {
        ...p,
        exit: read(`${i}.exit`) === "" ? null : Number(read(`${i}.exit`)),
        stdout: read(`${i}.out`),
        stderr: stderr.replace(/@@status \d{3}\n/g, ""),
        statuses: [...stderr.matchAll(/@@status (\d{3})/g)].map((m) => Number(m[1])),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whether `actual` has the documented shape: objects with the same keys, arrays of the same
 * length, equal values — except that "..." stands for any value (a time, an id, a lifetime that
 * counts down) and a string ending in "..." for any string that starts so ("eyJ..." is a JWT).
 */
export function shapeMismatches(expected: unknown, actual: unknown, at = "$"): string[] {
  if (expected === "...") return actual === undefined ? [`${at}: missing`] : [];
  if (typeof expected === "string" && expected.includes("...")) {
    const prefix = expected.slice(0, expected.indexOf("..."));
    return typeof actual === "string" && actual.startsWith(prefix) ? [] : [`${at}: expected a string like ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at}: expected an array of ${expected.length}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((item, i) => shapeMismatches(item, actual[i], `${at}[${i}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
    const keys = (o: object) => Object.keys(o).sort().join(", ");
    if (keys(expected) !== keys(actual)) return [`${at}: expected keys ${keys(expected)}, got ${keys(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) => shapeMismatches(value, (actual as Record<string, unknown>)[key], `${at}.${key}`));
  }
  return Object.is(expected, actual) ? [] : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Text answers: "..." matches anything, the rest literally. */
export function textMatches(expected: string, actual: string): boolean {
  const pattern = expected.split("...").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*");
  return new RegExp(`^${pattern}$`).test(actual.trim());
}
