/* Dashboard "Managementinformatie": draws each <canvas data-figuur="ID"> from the JSON in
   <script type="application/json" id="ID"> (json_script) with the vendored Chart.js.
   Greyscale-safe: the series differ in lightness and in pattern (solid, stripes, dots, cross),
   lines in dash. Dutch number format, axis titles with units, a legend, no animation. */
(function () {
  "use strict";
  var KLEUREN = ["#1d3557", "#457b9d", "#a8c5da", "#e0e0e0"];
  var RANDEN = ["#0b1a2e", "#1d3557", "#457b9d", "#6b6b6b"];
  var getal = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 1 });

  function patroon(index, kleur) {
    if (index === 0) return kleur;
    var c = document.createElement("canvas");
    c.width = 8; c.height = 8;
    var ctx = c.getContext("2d");
    ctx.fillStyle = kleur; ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = index === 3 ? "#555" : "#fff"; ctx.fillStyle = ctx.strokeStyle; ctx.lineWidth = 1.5;
    if (index === 1) { ctx.beginPath(); ctx.moveTo(0, 8); ctx.lineTo(8, 0); ctx.moveTo(-2, 2); ctx.lineTo(2, -2); ctx.moveTo(6, 10); ctx.lineTo(10, 6); ctx.stroke(); }
    if (index === 2) { ctx.beginPath(); ctx.arc(4, 4, 1.5, 0, 2 * Math.PI); ctx.fill(); }
    if (index === 3) { ctx.beginPath(); ctx.moveTo(0, 4); ctx.lineTo(8, 4); ctx.moveTo(4, 0); ctx.lineTo(4, 8); ctx.stroke(); }
    return ctx.createPattern(c, "repeat");
  }

  // A dashed line at the norm (e.g. 80 % eerstelijns) on a horizontal percentage chart.
  var normLijn = {
    id: "kissNorm",
    afterDatasetsDraw: function (chart, args, opties) {
      if (opties.waarde === undefined || opties.waarde === null) return;
      var x = chart.scales.x.getPixelForValue(opties.waarde), top = chart.chartArea.top, bottom = chart.chartArea.bottom;
      var ctx = chart.ctx;
      ctx.save(); ctx.setLineDash([6, 4]); ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = "#000"; ctx.font = "12px sans-serif"; ctx.textAlign = "center";
      ctx.fillText("norm " + getal.format(opties.waarde) + " %", x, top - 4);
      ctx.restore();
    }
  };

  function teken(canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.figuur).textContent);
    var liggend = spec.soort === "liggend";
    if (liggend) canvas.parentNode.style.height = Math.max(220, 70 + spec.labels.length * (spec.reeksen.length > 1 && !spec.gestapeld ? 34 : 26)) + "px";
    var reeksen = spec.reeksen.map(function (r, i) {
      return {
        label: r.label, data: r.data,
        backgroundColor: patroon(i, KLEUREN[i % 4]), borderColor: RANDEN[i % 4], borderWidth: 1
      };
    });
    var waardeAs = { title: { display: true, text: liggend ? spec.x : spec.y }, beginAtZero: true, stacked: !!spec.gestapeld,
      ticks: { callback: function (v) { return getal.format(v); } } };
    if (spec.max) waardeAs.max = spec.max;
    var categorieAs = { title: { display: true, text: liggend ? spec.y : spec.x }, stacked: !!spec.gestapeld, grid: { display: false } };
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: reeksen },
      options: {
        indexAxis: liggend ? "y" : "x",
        animation: false, responsive: true, maintainAspectRatio: false, locale: "nl-NL",
        layout: { padding: { top: spec.norm ? 16 : 0 } },
        scales: liggend ? { x: waardeAs, y: categorieAs } : { x: categorieAs, y: waardeAs },
        plugins: {
          legend: { display: true, position: "bottom" },
          kissNorm: { waarde: spec.norm },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + getal.format(c.raw === null ? 0 : c.raw); } } }
        }
      },
      plugins: [normLijn]
    });
    canvas.dataset.punten = String(chart.data.datasets.reduce(function (n, d) { return n + d.data.length; }, 0));
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#222";
    document.querySelectorAll("canvas[data-figuur]").forEach(teken);
    document.body.dataset.grafiekenKlaar = "true";
  });
})();
