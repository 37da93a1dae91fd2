// Charts for the supervision tables: progressive enhancement only. Each <table data-chart>
// stays the truth; when Chart.js (vendored, kuaiban/vendor/chartjs) has loaded, a chart of the
// columns named in data-chart-columns is drawn above it from the cells' data-value numbers.
(function () {
  "use strict";
  var PALETTE = ["#1d4f91", "#b10e1e", "#00703c", "#f47738", "#6f72af", "#505a5f", "#28a197", "#912b88"];

  function header(table, index) {
    return table.tHead.rows[0].cells[index];
  }

  function datasets(table, columns, kind) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    return columns.map(function (index, n) {
      var head = header(table, index);
      var isRate = head.getAttribute("data-kind") === "rate";
      var colour = PALETTE[n % PALETTE.length];
      return {
        label: head.textContent.trim(),
        data: rows.map(function (row) {
          var cell = row.cells[index];
          var raw = cell ? cell.getAttribute("data-value") : null;
          if (raw === null || raw === "") { return null; }
          return isRate ? Math.round(parseFloat(raw) * 1000) / 10 : parseFloat(raw);
        }),
        backgroundColor: kind === "doughnut" ? PALETTE : colour,
        borderColor: colour,
        isRate: isRate
      };
    });
  }

  function draw(table) {
    if (!table.tBodies.length || table.tBodies[0].rows.length < 2) { return; }
    var kind = table.getAttribute("data-chart");
    var columns = table.getAttribute("data-chart-columns").split(",").map(Number);
    var labels = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return row.cells[0].textContent.trim();
    });
    var sets = datasets(table, columns, kind);
    var rate = sets.every(function (s) { return s.isRate; });
    var figure = document.createElement("figure");
    figure.className = "sv-chart sv-chart-" + kind;
    var canvas = document.createElement("canvas");
    var caption = table.caption ? table.caption.textContent.trim() : "";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption + "图表，数据见下表");
    figure.appendChild(canvas);
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(figure, wrap);
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var scales = kind === "doughnut" ? {} : {
      y: { beginAtZero: true, ticks: { callback: function (v) { return rate ? v + "%" : v; } },
           max: rate ? 100 : undefined }
    };
    new window.Chart(canvas, {
      type: kind,
      data: { labels: labels, datasets: sets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : undefined,
        scales: scales,
        plugins: {
          legend: { display: kind === "doughnut" || sets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (c) {
            var value = c.parsed && typeof c.parsed === "object" ? c.parsed.y : c.parsed;
            return c.dataset.label + "：" + value + (c.dataset.isRate ? "%" : "");
          } } }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    var body = window.getComputedStyle(document.body);
    window.Chart.defaults.font.family = body.fontFamily;
    window.Chart.defaults.color = "#0b0c0c";
    Array.prototype.forEach.call(document.querySelectorAll("table[data-chart]"), draw);
  });
})();
