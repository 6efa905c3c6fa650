// The admin pages' small helpers, loaded by every page (the pages allow
// no inline script: their Content-Security-Policy says script-src 'self').
"use strict";

// A form with data-confirm asks before it is sent.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (e) {
    if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
  });
});

// The participants list: "select all", and the count of selected rows on
// the fulfil button.
(function () {
  var form = document.getElementById("fulfil");
  if (!form) return;
  var boxes = form.querySelectorAll('input[name="id"]');
  var all = form.querySelector("[data-all]");
  function update() {
    var n = form.querySelectorAll('input[name="id"]:checked').length;
    form.querySelector("[data-selected]").textContent = n;
    form.querySelectorAll("[data-send]").forEach(function (b) { b.disabled = n === 0; });
    if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
  }
  if (all) all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  form.addEventListener("change", update);
  update();
})();

// Dates in the operator's own time zone: a <time datetime> or a chart's
// [data-at] is written in UTC by the server and rewritten here.
(function () {
  var day = { day: "numeric", month: "short", year: "numeric" };
  var hour = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  var stamp = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  function shown(iso, options) {
    var d = new Date(iso);
    return isNaN(d) ? null : d.toLocaleString(undefined, options);
  }
  document.querySelectorAll("time[datetime]:not([data-day])").forEach(function (t) {
    var s = shown(t.getAttribute("datetime"), stamp);
    if (s) t.textContent = s;
  });
  document.querySelectorAll("svg.chart text[data-at]").forEach(function (t) {
    var s = shown(t.getAttribute("data-at"), t.getAttribute("data-kind") === "hour" ? hour : day);
    if (s) t.textContent = s;
  });
  // A chart's point says its value when hovered or tapped, below the chart.
  document.querySelectorAll(".chart-wrap").forEach(function (wrap) {
    var readout = wrap.parentNode.querySelector(".chart-readout");
    if (!readout) return;
    wrap.querySelectorAll("circle.point").forEach(function (c) {
      var title = c.querySelector("title");
      var kind = c.getAttribute("data-kind") === "hour" ? hour : day;
      var when = shown(c.getAttribute("data-at"), kind);
      if (title && when) title.textContent = title.textContent.replace(/^[^:]*(?=: )/, when);
      function show() { if (title) readout.textContent = title.textContent; }
      c.addEventListener("mouseenter", show);
      c.addEventListener("click", show);
    });
    wrap.querySelectorAll("rect.bar").forEach(function (r) {
      var title = r.querySelector("title");
      function show() { if (title) readout.textContent = title.textContent; }
      r.addEventListener("mouseenter", show);
      r.addEventListener("click", show);
    });
  });
})();
