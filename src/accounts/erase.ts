// PLACEHOLDER (feat/admin only): the lifecycle helper owns this file. The signature is the plan's
// shared contract; this file is replaced by the real one when main is merged.
import type { Runtime } from "../runtime";

export async function eraseAccount(_rt: Runtime, _userId: string, _actor: { userId: string | null; via: "self" | "admin" }): Promise<"erased" | "not_found"> {
  throw new Error("not merged yet");
}
