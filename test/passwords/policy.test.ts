import { describe, expect, it } from "vitest";
import { checkPassword } from "../../src/accounts/password-policy";
import { d1CommonPasswords } from "../../src/storage/common-passwords";
import { testEnv } from "../helpers";

const who = { username: "marguerite", email: "marguerite@example.com" };
// The real list, as migration 0004 seeds it into local D1.
const common = d1CommonPasswords(testEnv.DB);

describe("password policy", () => {
  it.each([
    ["short1", "This password is too short. It must contain at least 8 characters."],
    ["12345678901", "This password is entirely numeric."],
    ["Password123", "This password is too common."],
    ["marguerite1", "The password is too similar to the username or email."],
    ["x".repeat(1025), "This password is too long. It must contain at most 1024 bytes."],
  ])("refuses %j with Django's message", async (password, message) => {
    expect(await checkPassword(password, who, "strict", common)).toBe(message);
  });

  it("accepts a long passphrase, and counts characters not bytes for the minimum", async () => {
    expect(await checkPassword("correct horse battery staple", who, "strict", common)).toBeUndefined();
    expect(await checkPassword("ééééééé€", who, "strict", common)).toBeUndefined();
  });

  it("checks only length under the basic policy (for migrated clients)", async () => {
    expect(await checkPassword("password123", who, "basic", common)).toBeUndefined();
    expect(await checkPassword("short", who, "basic", common)).toBe("This password is too short. It must contain at least 8 characters.");
  });
});
