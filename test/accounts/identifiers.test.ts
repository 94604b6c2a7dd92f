import { describe, expect, it } from "vitest";
import { usernameProblem } from "../../src/accounts/identifiers";
import { usernameField } from "../../src/http/fields";

const TOO_LONG = "Ensure this field has no more than 150 characters.";

describe("username length is the length of the stored (NFKC) form", () => {
  it("refuses 40 × U+3300, which NFKC stores as 160 letters", () => {
    expect("\u3300".repeat(40).normalize("NFKC")).toHaveLength(160);
    expect(usernameProblem("\u3300".repeat(40))).toBe(TOO_LONG);
    expect(usernameField.safeParse("\u3300".repeat(40)).error?.issues.map((i) => i.message)).toEqual([TOO_LONG]);
  });

  it("accepts 100 × e + combining acute (200 code units sent, 100 letters stored)", () => {
    const composed = "e\u0301".repeat(100);
    expect(usernameProblem(composed)).toBeUndefined();
    expect(usernameField.safeParse(composed).success).toBe(true);
  });

  it("still refuses 151 plain letters and accepts 150", () => {
    expect(usernameProblem("u".repeat(151))).toBe(TOO_LONG);
    expect(usernameProblem("u".repeat(150))).toBeUndefined();
  });
});
