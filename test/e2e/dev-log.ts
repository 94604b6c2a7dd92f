// The messages `npm start`'s worker writes to its log instead of sending them (no delivery hook,
// ENVIRONMENT=development): what a person copies the reset or verification token from.
import type { RunningWorker } from "./worker";

export async function loggedMessage(worker: RunningWorker, type: string, to: string): Promise<{ token: string; link: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const line = worker.logs().split("\n").reverse().find((l) => l.includes('"event":"delivery_logged"') && l.includes(`"to":"${to}"`) && l.includes(`"type":"${type}"`));
    if (line) return JSON.parse(line.slice(line.indexOf("{"))).payload as { token: string; link: string };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} message for ${to} in the log:\n${worker.logs()}`);
}
