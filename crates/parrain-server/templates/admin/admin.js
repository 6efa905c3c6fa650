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
    form.querySelector("[data-send]").disabled = n === 0;
    if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
  }
  if (all) all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  form.addEventListener("change", update);
  update();
})();
