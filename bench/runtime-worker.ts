// The runtime's own cold start (bench/lib/cold-start.mjs): a Worker with no code to speak of, so
// a fresh workerd's startup and first request minus this one is what a script itself costs.
export default { fetch: () => new Response("ok") };
