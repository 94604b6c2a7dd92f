// Reads the documentation the doc tests hold to account: README.md and docs/*.md, their fenced
// blocks (with the marker comment before each), their shell commands with the `# =>` responses
// they document, and every relative link and file path they name.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");

/** The documents: README.md and every docs/*.md. */
export const DOCS = ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

export const SHELL = new Set(["sh", "bash", "shell", "console"]);
export const SCRIPT = new Set(["js", "javascript", "mjs", "ts", "typescript"]);

export type Marker = { kind: "not-run"; reason: string } | { kind: "file"; path: string } | { kind: "none" } | { kind: "unknown"; text: string };

export interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  marker: Marker;
}

/** `<!-- not-run: reason -->` or `<!-- file: path -->` on the last non-blank line before a fence. */
function markerBefore(lines: string[], fence: number): Marker {
  let at = fence - 1;
  while (at >= 0 && lines[at]!.trim() === "") at -= 1;
  const comment = at >= 0 ? /^<!--\s*([\s\S]*?)\s*-->$/.exec(lines[at]!.trim()) : null;
  if (!comment) return { kind: "none" };
  const [, text] = comment;
  const notRun = /^not-run:\s*(.*)$/.exec(text!);
  if (notRun) return { kind: "not-run", reason: notRun[1]!.trim() };
  const file = /^file:\s*(\S+)$/.exec(text!);
  if (file) return { kind: "file", path: file[1]! };
  return { kind: "unknown", text: text! };
}

export function readDoc(doc: string): string {
  return readFileSync(path.join(root, doc), "utf8");
}

export function blocksOf(doc: string): Block[] {
  return blocksIn(doc, readDoc(doc));
}

export function blocksIn(doc: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)(```+|~~~+)\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, , fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trim().startsWith(fence!)) end += 1;
    blocks.push({ doc, line: i + 1, lang: lang!.toLowerCase(), code: lines.slice(i + 1, end).join("\n"), marker: markerBefore(lines, i) });
    i = end;
  }
  return blocks;
}

export interface Command {
  /** 1-based line in the document where the command starts. */
  line: number;
  text: string;
  /** What the document says it answers: `# => [status] [body]`, continued on further comment lines. */
  expect?: { status?: number; body?: string };
}

/** Splits a shell block into commands (joining `\` continuations) and their documented answers. */
export function commandsOf(block: Block): Command[] {
  const lines = block.code.split("\n");
  const commands: Command[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed.startsWith("# =>")) {
      const last = commands.at(-1);
      if (!last) throw new Error(`${block.doc}:${block.line + 1 + i}: "# =>" before any command`);
      let answer = trimmed.slice(4).trim();
      // A JSON answer may continue on the following comment lines until it parses.
      while (/^(\d{3}\s+)?[[{]/.test(answer) && !parses(answer.replace(/^\d{3}\s+/, "")) && lines[i + 1]?.trim().startsWith("#") && !lines[i + 1]!.trim().startsWith("# =>")) {
        i += 1;
        answer += " " + lines[i]!.trim().slice(1).trim();
      }
      const status = /^(\d{3})(?:\s+|$)/.exec(answer);
      last.expect = { status: status ? Number(status[1]) : undefined, body: (status ? answer.slice(status[0].length) : answer).trim() || undefined };
      continue;
    }
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const start = i;
    let text = line;
    while (text.endsWith("\\") && i + 1 < lines.length) {
      i += 1;
      text += "\n" + lines[i];
    }
    commands.push({ line: block.line + 1 + start, text });
  }
  return commands;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Relative link targets (`[x](target)`, `![x](target)`) outside fenced blocks, with their lines. */
export function linksOf(doc: string): { line: number; target: string }[] {
  const found: { line: number; target: string }[] = [];
  proseLines(doc).forEach(({ line, text }) => {
    for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
      found.push({ line, target });
    }
  });
  return found;
}

// Two or more segments (`test/seeds/`, `src/app.ts`), or one with a file extension (`schema.sql`).
// Not: API paths (they start with "/"), `verify/`-style path fragments, media types.
const PATH_LIKE = /^\.?[A-Za-z0-9_.@-]+(\/[A-Za-z0-9_.*@<>{}-]+)+\/?$|^[A-Za-z0-9_.-]+\.(md|ts|mjs|js|json|toml|sql|sh|py|go|svg|yml|yaml)$/;
const MEDIA_TYPE = /^(application|text|multipart|image)\//;

/**
 * File paths the prose names: code spans that look like a path (`src/app.ts`, `test/seeds/`,
 * `schema.sql`) and bare `NAME.md` mentions (which is how a document names another one).
 */
export function namedPathsOf(doc: string): { line: number; path: string }[] {
  const found: { line: number; path: string }[] = [];
  proseLines(doc).forEach(({ line, text }) => {
    for (const match of text.matchAll(/`([^`\s]+)`/g)) {
      if (PATH_LIKE.test(match[1]!) && !MEDIA_TYPE.test(match[1]!)) found.push({ line, path: match[1]! });
    }
    const withoutCode = text.replace(/`[^`]*`/g, "").replace(/\]\([^)]*\)/g, "]").replace(/https?:\/\/\S+/g, "");
    for (const match of withoutCode.matchAll(/(?<![\w/.-])([A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*\.md)\b/g)) found.push({ line, path: match[1]! });
  });
  return found;
}

/** Path-like words in the document's `text` blocks (a layout listing, say). */
export function blockPathsOf(doc: string): { line: number; path: string }[] {
  return blocksOf(doc)
    .filter((b) => b.lang === "text")
    .flatMap((b) => b.code.split("\n").flatMap((text, i) => text.split(/\s+/).map((word) => ({ line: b.line + 1 + i, path: word.replace(/^[(]+|[),.;:]+$/g, "") }))))
    // In free text "bearer/cookie" is not a path: a directory ends in "/", a file has an extension.
    .filter(({ path }) => PATH_LIKE.test(path) && !MEDIA_TYPE.test(path) && /\/$|\.[a-z]{1,4}$/.test(path));
}

/** The document's lines outside fenced blocks and HTML comments. */
function proseLines(doc: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  readDoc(doc).split("\n").forEach((text, i) => {
    const open = /^\s*(```+|~~~+)/.exec(text);
    if (open) {
      if (fence === null) fence = open[1]!;
      else if (text.trim().startsWith(fence)) fence = null;
      return;
    }
    if (fence === null) out.push({ line: i + 1, text: text.replace(/<!--.*?-->/g, "") });
  });
  return out;
}
