import { describe, expect, it } from "vitest";
import { checkPassword } from "../../src/accounts/password-policy";

const who = { username: "marguerite", email: "marguerite@example.com" };

describe("password policy", () => {
  it.each([
    ["short1", "This password is too short. It must contain at least 8 characters."],
    ["12345678901", "This password is entirely numeric."],
    ["Password123", "This password is too common."],
    ["marguerite1", "The password is too similar to the username or email."],
    ["x".repeat(1025), "This password is too long. It must contain at most 1024 bytes."],
  ])("refuses %j with Django's message", (password, message) => {
    expect(checkPassword(password, who, "strict")).toBe(message);
  });

  it("accepts a long passphrase, and counts characters not bytes for the minimum", () => {
    expect(checkPassword("correct horse battery staple", who, "strict")).toBeUndefined();
    expect(checkPassword("ééééééé€", who, "strict")).toBeUndefined();
  });

  it("checks only length under the basic policy (for migrated clients)", () => {
    expect(checkPassword("password123", who, "basic")).toBeUndefined();
    expect(checkPassword("short", who, "basic")).toBe("This password is too short. It must contain at least 8 characters.");
  });
});
