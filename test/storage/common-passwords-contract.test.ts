// The D1 common-password list and its memory twin answer alike: exact match on the normalised form
// the policy passes (NFC, lower case), nothing by prefix, case or surrounding space.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1CommonPasswords, memoryCommonPasswords } from "../../src/storage/common-passwords";
import type { CommonPasswordList } from "../../src/storage/ports";

const ENTRIES = ["password123", "krishnan", "pic's pic", "iloveyou1"];
const PROBES = ["password123", "krishnan", "iloveyou1", "Krishnan", "krishna", "krishnann", " krishnan", "pic's", "correct horse battery staple", "", "' OR 1=1 --"];

const answers = (list: CommonPasswordList) => Promise.all(PROBES.map((probe) => list.isCommon(probe)));

describe("CommonPasswordList contract: D1 adapter and memory twin", () => {
  it("match exactly the entries, and nothing near them", async () => {
    const expected = [true, true, true, false, false, false, false, false, false, false, false];
    expect(await answers(d1CommonPasswords(env.DB))).toEqual(expected);
    expect(await answers(memoryCommonPasswords(ENTRIES))).toEqual(expected);
  });
});
