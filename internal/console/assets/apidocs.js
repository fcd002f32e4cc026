// Starts Swagger UI over the served OpenAPI documents: a file, not an
// inline script, so the page keeps the CSP's script-src 'self'. With
// several documents (one per dialect that has one) the page's selector
// switches between them, and ?api=<dialect> opens one directly. The
// selector is the page's own: Swagger UI's "urls" selector lives in the
// standalone layout's top bar, which also fetches any URL typed into it.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var el = document.getElementById("swagger-ui");
    var select = document.getElementById("api-document");
    var url = el.getAttribute("data-url");
    var wanted = new URLSearchParams(window.location.search).get("api");
    if (select && wanted) {
      Array.prototype.forEach.call(select.options, function (o) {
        if (o.value.slice(o.value.lastIndexOf("/") + 1) === wanted + ".json") {
          select.value = o.value;
        }
      });
      url = select.value;
    }
    window.ui = SwaggerUIBundle({
      url: url,
      dom_id: "#swagger-ui",
      deepLinking: true,
      tryItOutEnabled: false,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
    if (select) {
      select.addEventListener("change", function () {
        var name = select.value.slice(select.value.lastIndexOf("/") + 1).replace(/\.json$/, "");
        window.history.replaceState(null, "", "?api=" + encodeURIComponent(name));
        window.ui.specActions.updateUrl(select.value);
        window.ui.specActions.download(select.value);
      });
    }
  });
})();
