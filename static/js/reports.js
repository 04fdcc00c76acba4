/*
 * Charts for the performance report, drawn with Chart.js from the numbers in #report-data.
 * Progressive enhancement only: the tables are the source of truth and stay on the page; without
 * JavaScript (or if Chart.js fails to load) the page is complete without the charts.
 * Labels and numbers come from json_script and are set as data, never as HTML.
 */
(function () {
  "use strict";

  var source = document.getElementById("report-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var charts;
  try {
    charts = JSON.parse(source.textContent);
  } catch (error) {
    return;
  }
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var textColour = "#0b0c0c";
  var gridColour = "#d8dadb";

  window.Chart.defaults.font.family = "Arial, 'Helvetica Neue', 'Liberation Sans', sans-serif";
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = textColour;

  function valueAxis(spec) {
    return {
      stacked: Boolean(spec.stacked),
      beginAtZero: true,
      ticks: { precision: 0 },
      grid: { color: gridColour },
      title: { display: Boolean(spec.yTitle), text: spec.yTitle || "" }
    };
  }

  function categoryAxis(spec) {
    return { stacked: Boolean(spec.stacked), grid: { display: false } };
  }

  function draw(holder, spec) {
    var title = holder.getAttribute("data-title") || "Chart";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", title + ": a chart of the figures in the table that follows.");
    canvas.textContent = "A chart of the figures in the table that follows.";
    var rows = spec.labels.length;
    holder.style.height = (spec.horizontal ? Math.max(140, 60 + rows * 36) : 320) + "px";
    holder.appendChild(canvas);

    var scales = spec.horizontal
      ? { x: valueAxis(spec), y: categoryAxis(spec) }
      : { x: categoryAxis(spec), y: valueAxis(spec) };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: dataset.colour,
            borderColor: "#ffffff",
            borderWidth: spec.stacked ? 1 : 0,
            maxBarThickness: 48
          };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 300 },
        scales: scales,
        plugins: {
          legend: { display: spec.datasets.length > 1, position: "bottom" },
          tooltip: { enabled: true }
        }
      }
    });
  }

  var holders = document.querySelectorAll(".app-chart[data-chart]");
  Array.prototype.forEach.call(holders, function (holder) {
    var spec = charts[holder.getAttribute("data-chart")];
    if (!spec || spec.empty || !spec.labels || !spec.labels.length) {
      return;
    }
    try {
      draw(holder, spec);
    } catch (error) {
      holder.textContent = "";
      holder.style.height = "";
    }
  });
})();
