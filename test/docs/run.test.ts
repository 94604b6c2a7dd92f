// Executable documentation (issue 16): every shell block of README.md and docs/*.md that is not
// marked `<!-- not-run: reason -->` runs, in document order, as one terminal session against a
// worker started as `npm start` starts it (on a free port: the documents' 127.0.0.1:8787 becomes
// that port). Each command must exit 0; a curl without a documented answer must get a 2xx; and
// where the document shows an answer (`# => <status> <body>`), the real one has that status and
// that shape (same keys, same values, "..." standing for a value that varies).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "../e2e/worker";
import { blocksOf, commandsOf, DOCS, SHELL } from "./markdown";
import { onPort, runSession, shapeMismatches, textMatches, type Ran } from "./session";

const runnable = DOCS.map((doc) => ({ doc, blocks: blocksOf(doc).filter((b) => SHELL.has(b.lang) && b.marker.kind === "none") })).filter((d) => d.blocks.length > 0);

let worker: RunningWorker;
const results = new Map<string, Ran[]>();
beforeAll(async () => {
  worker = await startWorker();
  for (const { doc, blocks } of runnable) results.set(doc, runSession(blocks, worker.port, worker.persist));
}, 300_000);
afterAll(() => worker?.stop());

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

for (const { doc, blocks } of runnable) {
  describe(doc, () => {
    const commands = blocks.flatMap(commandsOf);
    it.each(commands.map((command, i) => [`${doc}:${command.line} ${command.text.split("\n")[0]!.slice(0, 70)}`, i] as const))("%s", (_, i) => {
      const ran = results.get(doc)![i]!;
      const context = `${ran.text}\n--- stdout:\n${ran.stdout}\n--- stderr:\n${ran.stderr}\n--- worker log (tail):\n${worker.logs().slice(-2000)}`;
      expect(ran.exit, context).toBe(0);
      // The answers name the documented port too (an issuer, a URL): they move with the commands.
      const documented = ran.command.expect && { ...ran.command.expect, body: ran.command.expect.body && onPort(ran.command.expect.body, worker.port) };
      if (documented?.status !== undefined) expect(ran.statuses.at(-1), context).toBe(documented.status);
      else for (const status of ran.statuses) expect(status >= 200 && status < 300, `HTTP ${status} without a documented answer\n${context}`).toBe(true);
      if (documented?.body !== undefined) {
        const expected = parsed(documented.body);
        if (typeof expected === "string") expect(textMatches(expected, ran.stdout), `expected output like ${expected}\n${context}`).toBe(true);
        else expect(shapeMismatches(expected, parsed(ran.stdout)), context).toEqual([]);
      } else if (documented?.status !== undefined) {
        expect(ran.stdout.trim(), `the document shows no body\n${context}`).toBe("");
      }
    });
  });
}
