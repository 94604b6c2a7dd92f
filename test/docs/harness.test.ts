// The doc-test rules catch what they are for: a new block that is neither run nor marked fails,
// a snippet that drifted from its file fails, and documented answers are compared by shape.
import { describe, expect, it } from "vitest";
import { blockProblems } from "./checks";
import { blocksIn, commandsOf } from "./markdown";
import { onPort, shapeMismatches, textMatches } from "./session";

const doc = (text: string) => blocksIn("fixture.md", text);

describe("block rules", () => {
  it("fails a new JavaScript snippet that is neither a file nor marked not-run", () => {
    expect(blockProblems(doc("Verify:\n\n```js\nconsole.log(1)\n```\n"))).toEqual([
      "fixture.md:3: a js snippet that is neither <!-- file: path --> (run by a shell block) nor <!-- not-run: reason -->",
    ]);
  });

  it("fails a block without a language, a not-run without a reason and an unknown marker", () => {
    expect(blockProblems(doc("```\nls\n```\n<!-- not-run: -->\n```sh\nnpm start\n```\n<!-- skip -->\n```sh\nls\n```\n"))).toEqual([
      "fixture.md:1: a fenced block without a language (use text for plain text)",
      "fixture.md:5: not-run needs a reason",
      "fixture.md:9: unknown marker <!-- skip -->",
    ]);
  });

  it("fails a file snippet that differs from its file or that no shell block runs", () => {
    expect(blockProblems(doc("<!-- file: package.json -->\n```js\n{}\n```\n"))).toEqual([
      "fixture.md:2: differs from package.json",
      "fixture.md:2: no runnable shell block runs package.json",
    ]);
  });

  it("holds a configuration block marked as a file (nginx, Caddyfile, YAML) to that file, with no shell block needed", () => {
    expect(blockProblems(doc("<!-- file: docs/examples/gateways/nginx.conf -->\n```nginx\nserver {}\n```\n"))).toEqual(["fixture.md:2: differs from docs/examples/gateways/nginx.conf"]);
    expect(blockProblems(doc("<!-- file: docs/examples/gateways/missing.yml -->\n```yaml\na: 1\n```\n"))).toEqual(["fixture.md:2: docs/examples/gateways/missing.yml does not exist"]);
  });

  it("accepts a shell block with no marker (it runs) and one marked not-run with a reason", () => {
    expect(blockProblems(doc("```sh\ncurl -s 127.0.0.1:8787/healthz\n```\n\n<!-- not-run: needs a Cloudflare account -->\n\n```sh\nnpx wrangler deploy\n```\n"))).toEqual([]);
  });
});

describe("commands and documented answers", () => {
  it("joins continued lines and reads `# =>` answers, JSON continued over comment lines", () => {
    const [block] = doc('```sh\ncurl -s x \\\n  -d y\n# => 201 {"user": {"id": "..."},\n#      "token": "eyJ..."}\n# a remark\necho hi\n# => hi\n```\n');
    expect(commandsOf(block!)).toEqual([
      { line: 2, text: "curl -s x \\\n  -d y", expect: { status: 201, body: '{"user": {"id": "..."}, "token": "eyJ..."}' } },
      { line: 7, text: "echo hi", expect: { status: undefined, body: "hi" } },
    ]);
  });

  it("compares shapes: same keys, equal values, '...' for what varies", () => {
    expect(shapeMismatches({ a: "eyJ...", b: [1], c: "ok" }, { a: "eyJhbGci", b: [1], c: "ok" })).toEqual([]);
    expect(shapeMismatches({ a: "eyJ..." }, { a: "abc" })).toEqual(['$.a: expected a string like "eyJ...", got "abc"']);
    expect(shapeMismatches({ n: "...", s: "..." }, { n: 1209599, s: "x" })).toEqual([]);
    expect(shapeMismatches({ a: 1 }, { a: 1, extra: true })).toEqual(["$: expected keys a, got a, extra"]);
    expect(shapeMismatches({ status: "ok" }, { status: "degraded" })).toEqual(['$.status: expected "ok", got "degraded"']);
    expect([textMatches("kid ... ES256", "kid abc ES256\n"), textMatches("ok", "not ok")]).toEqual([true, false]);
  });

  it("moves the documented port to the test worker's", () => {
    expect(onPort("curl localhost:8787/a 127.0.0.1:8787/b 127.0.0.1:87870", 9000)).toBe("curl localhost:9000/a 127.0.0.1:9000/b 127.0.0.1:87870");
  });
});
