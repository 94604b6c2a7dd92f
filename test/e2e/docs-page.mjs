// Opening the API reference page (/docs) and waiting until Swagger UI has rendered the document:
// shared by test/e2e/docs-page.test.ts and the screenshot script (plain ESM, so Node runs it as is).

/** The path of one operation in the rendered page; Swagger UI puts it in data-path. */
export const operationSelector = (path) => `.opblock-summary-path[data-path="${path}"]`;

/**
 * Navigates `page` (playwright-core) to `${baseUrl}/docs` and resolves once the operations are
 * listed (the first, /auth/register, is visible). Returns the document's navigation response.
 * @param {import("playwright-core").Page} page
 * @param {string} baseUrl e.g. http://127.0.0.1:8787
 */
export async function openDocsPage(page, baseUrl) {
  const response = await page.goto(`${baseUrl}/docs`, { waitUntil: "load" });
  await page.waitForSelector(operationSelector("/auth/register"), { state: "visible", timeout: 20_000 });
  return response;
}
