// Draws the API reference from this service's own OpenAPI document (no other site).
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var node = document.getElementById("swagger-ui");
    if (!node || !window.SwaggerUIBundle) { return; }
    window.SwaggerUIBundle({
      url: node.getAttribute("data-openapi"),
      dom_id: "#swagger-ui",
      deepLinking: false,
      validatorUrl: null,
      tryItOutEnabled: false
    });
  });
})();
