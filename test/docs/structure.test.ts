// The documentation holds together (issue 16): every fenced block says its language; every shell
// block either runs in test/docs/run.test.ts or is marked `<!-- not-run: reason -->`; every
// JavaScript/TypeScript snippet is a file in the repository (`<!-- file: path -->`) that a shell
// block runs, or is marked not-run; and every relative link and file path named exists here.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { blockProblems } from "./checks";
import { blockPathsOf, blocksOf, DOCS, linksOf, namedPathsOf, root } from "./markdown";

/** Paths a document may name that a clone does not hold until something makes them. */
const GENERATED: Record<string, string> = {
  ".dev.vars": "written by npm start (scripts/dev-setup.mjs) on first start",
  "dist/": "written by npm run deploy:dry",
  "public/generated/": "written by scripts/build.mjs (npm start, npm test, npm run deploy)",
  "public/generated/openapi.json": "written by scripts/build.mjs (npm start, npm test, npm run deploy)",
};

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
const fileNames = new Set(files.map((f) => path.basename(f)));

/** `hono/secure-headers`, `@zxcvbn-ts/language-common`: an npm package (scoped, or installed), not a path. */
function isPackage(named: string): boolean {
  if (/^@[a-z0-9-]+\/[a-z0-9.-]+$/.test(named)) return true;
  const name = named.split("/").slice(0, named.startsWith("@") ? 2 : 1).join("/");
  return existsSync(path.join(root, "node_modules", name, "package.json"));
}

function exists(named: string): boolean {
  if (named in GENERATED || isPackage(named)) return true;
  // A pattern (`bench/results/<timestamp>/`, `test/**`): the directory before the first placeholder.
  const concrete = named.split(/[<*{]/)[0]!;
  if (concrete !== named) return existsSync(path.join(root, concrete.slice(0, concrete.lastIndexOf("/") + 1) || "."));
  if (existsSync(path.join(root, named))) return true;
  // A bare file name (`results.json`) names a file somewhere in the tree.
  return !named.includes("/") && fileNames.has(named);
}

describe("documentation blocks", () => {
  it("every block names its language; shell blocks run or say why not; JS/TS snippets are files a shell block runs", () => {
    expect(blockProblems(DOCS.flatMap(blocksOf))).toEqual([]);
  });
});

describe("documentation references", () => {
  it("every relative link points at a file or directory in the repository", () => {
    const dead = DOCS.flatMap((doc) => linksOf(doc).filter(({ target }) => !existsSync(path.resolve(root, path.dirname(doc), decodeURI(target.split(/[#?]/)[0]!)))).map(({ line, target }) => `${doc}:${line} ${target}`));
    expect(dead).toEqual([]);
  });

  it("every file path the prose and the text blocks name exists in the repository", () => {
    const dead = DOCS.flatMap((doc) => [...namedPathsOf(doc), ...blockPathsOf(doc)].filter(({ path: named }) => !exists(named)).map(({ line, path: named }) => `${doc}:${line} ${named}`));
    expect(dead).toEqual([]);
  });

  it("no file in the repository cites a document outside it (DESIGN.md, ../shared, shared/seeds/)", () => {
    const citing = files
      .filter((f) => /\.(ts|mjs|js|md|json|toml|sh|py)$/.test(f) && !f.startsWith("test/docs/") && existsSync(path.join(root, f)))
      .filter((f) => /DESIGN\.md|\.\.\/shared\/|\bshared\/seeds\b/.test(readFileSync(path.join(root, f), "utf8")));
    expect(citing).toEqual([]);
  });

  it("never points outside the repository (../shared, absolute paths)", () => {
    const named = DOCS.flatMap((doc) => [...linksOf(doc).map((l) => ({ doc, line: l.line, p: l.target })), ...namedPathsOf(doc).map((n) => ({ doc, line: n.line, p: n.path }))]);
    const outside = named.filter(({ doc, p }) => p.startsWith("/") || path.relative(root, path.resolve(root, path.dirname(doc), p)).startsWith("..")).map(({ doc, line, p }) => `${doc}:${line} ${p}`);
    expect(outside).toEqual([]);
  });
});
