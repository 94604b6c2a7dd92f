// The common-password list: D1 in production (seeded by migration 0004, so the bundle carries none
// of its ~15,000 entries), and a memory twin for tests that bring their own entries. Both are held
// to one contract by test/storage/common-passwords-contract.test.ts.
import { guardStorage } from "./guard";
import type { CommonPasswordList } from "./ports";

export function d1CommonPasswords(db: D1Database): CommonPasswordList {
  return {
    isCommon(password) {
      // A primary-key lookup on a WITHOUT ROWID table: one B-tree probe.
      return guardStorage("commonPasswords.isCommon", async () => (await db.prepare("SELECT 1 AS hit FROM common_passwords WHERE password = ?").bind(password).first()) !== null);
    },
  };
}

export function memoryCommonPasswords(entries: Iterable<string>): CommonPasswordList {
  const set = new Set(entries);
  return {
    async isCommon(password) {
      return set.has(password);
    },
  };
}
