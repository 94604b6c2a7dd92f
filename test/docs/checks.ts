// The rules every documentation block follows (test/docs/structure.test.ts applies them to the
// real documents; harness.test.ts shows that each rule catches what it is for).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Block, commandsOf, root, SCRIPT, SHELL } from "./markdown";

const where = (b: Block) => `${b.doc}:${b.line}`;
const markedNotRun = (b: Block) => b.marker.kind === "not-run" && b.marker.reason.length > 0;
export const runsInSession = (b: Block) => SHELL.has(b.lang) && b.marker.kind === "none";

function fileProblems(b: Block, named: string): string[] {
  const file = path.join(root, named);
  if (!existsSync(file)) return [`${where(b)}: ${named} does not exist`];
  return readFileSync(file, "utf8").trimEnd() !== b.code.trimEnd() ? [`${where(b)}: differs from ${named}`] : [];
}

/** Every way a set of blocks breaks the rules; empty when they hold. */
export function blockProblems(blocks: Block[]): string[] {
  const problems: string[] = [];
  const runText = blocks.filter(runsInSession).flatMap(commandsOf).map((c) => c.text).join("\n");
  for (const b of blocks) {
    if (b.lang === "") problems.push(`${where(b)}: a fenced block without a language (use text for plain text)`);
    if (b.marker.kind === "unknown") problems.push(`${where(b)}: unknown marker <!-- ${b.marker.text} -->`);
    if (b.marker.kind === "not-run" && b.marker.reason.length === 0) problems.push(`${where(b)}: not-run needs a reason`);
    if (SHELL.has(b.lang) && b.marker.kind === "file") problems.push(`${where(b)}: a shell block is run or marked not-run, not a file`);
    if (runsInSession(b)) {
      try {
        if (commandsOf(b).length === 0) problems.push(`${where(b)}: a runnable shell block without a command`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    // A configuration block (nginx, Caddyfile, YAML) marked as a file is that file, which a test
    // runs (test/e2e/gateways.test.ts); only a script must also be run by a shell block.
    if (!SCRIPT.has(b.lang) && b.marker.kind === "file" && !SHELL.has(b.lang)) problems.push(...fileProblems(b, b.marker.path));
    if (!SCRIPT.has(b.lang) || markedNotRun(b)) continue;
    if (b.marker.kind !== "file") {
      problems.push(`${where(b)}: a ${b.lang} snippet that is neither <!-- file: path --> (run by a shell block) nor <!-- not-run: reason -->`);
      continue;
    }
    problems.push(...fileProblems(b, b.marker.path));
    if (!runText.includes(b.marker.path)) problems.push(`${where(b)}: no runnable shell block runs ${b.marker.path}`);
  }
  return problems;
}
