// The console's page script (a file, not inline: the CSP allows only
// 'self'). It sends the session's CSRF token with every htmx request and
// draws the charts (uPlot) wherever a [data-chart] element appears.
(function () {
  "use strict";

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  var palette = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207"];

  function draw(el) {
    fetch(el.getAttribute("data-chart"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        el.textContent = "";
        if (!data.series || data.series.length === 0) {
          el.textContent = "No traffic in this window yet.";
          el.setAttribute("data-drawn", "empty");
          return;
        }
        var series = [{}], values = [data.times];
        data.series.forEach(function (s, i) {
          series.push({ label: s.dialect, stroke: palette[i % palette.length], width: 2, points: { show: true, size: 4 } });
          values.push(s.requests);
        });
        var width = Math.max(320, el.clientWidth || 900);
        new uPlot({ width: width, height: 240, series: series, axes: [{}, { label: "requests" }], scales: { x: { time: true } } }, values, el);
        el.setAttribute("data-drawn", "chart");
      })
      .catch(function (err) { el.textContent = "Chart unavailable (" + err.message + ")."; });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.detail.elt.parentNode || document); });
})();
