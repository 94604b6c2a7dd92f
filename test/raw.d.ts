// Vite imports a file as text with "?raw" (the tests read wrangler.toml this way).
declare module "*?raw" {
  const text: string;
  export default text;
}
