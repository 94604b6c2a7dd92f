// Renders /openapi.json with Swagger UI. A separate file, not an inline script, so the page's
// Content-Security-Policy can say script-src 'self' (public/_headers).
SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#api-reference",
  // The default sends the document to validator.swagger.io for a badge; nothing leaves this origin.
  validatorUrl: null,
  deepLinking: true,
  // Every tag's operations listed, each collapsed: the document holds every profile's paths too.
  docExpansion: "list",
});
