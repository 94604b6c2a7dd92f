// Setup requests (register, logins for token chains, floors) over node:http with a fresh
// connection each: Miniflare installs its own global fetch dispatcher, whose pooled keep-alive
// sockets outlive a disposed instance and fail the next request with "other side closed".
import http from "node:http";
import { CLIENT_IP } from "./load.mjs";

/** @returns {Promise<{ status: number, text: string, headers: import("node:http").IncomingHttpHeaders }>} */
export function request(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { "CF-Connecting-IP": CLIENT_IP, ...(body ? { "Content-Type": "application/json" } : {}), ...headers }, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
