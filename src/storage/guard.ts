// Every storage call goes through guardStorage: a thrown error or a call slower than the
// deadline becomes 503 temporarily_unavailable, so a storage fault fails closed, never 500.
import { unavailable, isAuthError } from "../errors";
import { isLastAdminRefusal, lastAdminConflict } from "./last-admin";

const STORAGE_DEADLINE_MS = 10_000;

export async function guardStorage<T>(operation: string, run: () => Promise<T>, deadlineMs = STORAGE_DEADLINE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${operation} timed out after ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    if (isAuthError(error)) throw error;
    // Not a fault: migration 0009's trigger refused to remove the last active admin.
    if (isLastAdminRefusal(error)) throw lastAdminConflict();
    throw unavailable(`storage failure in ${operation}: ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
