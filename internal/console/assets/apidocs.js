// Starts Swagger UI over the served OpenAPI document: a file, not an
// inline script, so the page keeps the CSP's script-src 'self'.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var el = document.getElementById("swagger-ui");
    window.ui = SwaggerUIBundle({
      url: el.getAttribute("data-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      tryItOutEnabled: false,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
})();
