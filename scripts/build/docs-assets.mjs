// The API reference page's renderer (public/docs/), copied from node_modules into
// public/generated/swagger-ui/ so the worker serves it itself: no CDN, works offline and under
// script-src 'self'. swagger-ui-dist is a devDependency; only these two files are served.
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeIfChanged } from "./files.mjs";

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];

export function buildDocsAssets(root) {
  const from = path.join(root, "node_modules/swagger-ui-dist");
  const to = path.join(root, "public/generated/swagger-ui");
  for (const file of FILES) writeIfChanged(path.join(to, file), readFileSync(path.join(from, file)));
}
