// Starts Redoc on /api/v1/redoc from a file of this service (CSP script-src 'self': no
// inline script). The schema URL and the settings come from the container's data attributes.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, JSON.parse(container.dataset.settings || "{}"), container);
})();
