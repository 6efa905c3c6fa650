// The offer editor's small helpers. The server reads and checks every
// field whatever this script does; it only keeps the form short and handy.
(function () {
  "use strict";

  // A select with data-toggles="goal" shows the [data-goal] blocks that
  // name its value and hides the others (the same for "share" / [data-share]).
  function toggle(select) {
    var group = select.getAttribute("data-toggles");
    var blocks = document.querySelectorAll("[data-" + group + "]");
    blocks.forEach(function (block) {
      var wanted = block.getAttribute("data-" + group).split(" ");
      block.hidden = wanted.indexOf(select.value) < 0;
    });
  }
  document.querySelectorAll("select[data-toggles]").forEach(function (select) {
    select.addEventListener("change", function () { toggle(select); });
    toggle(select);
  });

  // Rows that can be added and removed: the new row is the block's
  // <template> with __i__ replaced by the next free index.
  document.querySelectorAll("[data-rows]").forEach(function (block) {
    var template = block.querySelector("template");
    var next = block.querySelectorAll("[data-row]").length;
    block.addEventListener("click", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-remove")) {
        target.closest("[data-row]").remove();
      } else if (target.hasAttribute("data-add")) {
        var html = template.innerHTML.replace(/__i__/g, String(next++));
        target.insertAdjacentHTML("beforebegin", html);
        var rows = block.querySelectorAll("[data-row]");
        var first = rows[rows.length - 1].querySelector("input");
        if (first) first.focus();
      }
    });
  });

  // A picked file is read into the field data-into names, so what is
  // uploaded is what the operator sees: promo codes as text, a button image
  // (data-read="url") as a data: URL. The field then says it changed.
  document.querySelectorAll("input[type=file][data-into]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var field = document.getElementById(input.getAttribute("data-into"));
      var reader = new FileReader();
      reader.onload = function () {
        field.value = String(reader.result);
        field.dispatchEvent(new Event("input", { bubbles: true }));
      };
      if (input.getAttribute("data-read") === "url") reader.readAsDataURL(file);
      else reader.readAsText(file);
    });
  });
})();

// The widget section: placeholders in the chosen language, colour pickers
// beside their text boxes, and the live preview redrawn as the form changes.
(function () {
  "use strict";
  var section = document.getElementById("widget-section");
  if (!section) return;
  var fields = section.querySelector("[data-widget-fields]");
  var frame = document.getElementById("widget-preview");
  var language = document.getElementById("f-widget.language");
  language.addEventListener("change", function () {
    fields.querySelectorAll("input[data-en]").forEach(function (input) {
      input.placeholder = input.getAttribute("data-" + language.value) || "";
    });
  });
  fields.querySelectorAll("input[data-colour-for]").forEach(function (picker) {
    var box = document.getElementById(picker.getAttribute("data-colour-for"));
    picker.addEventListener("input", function () {
      box.value = picker.value;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    box.addEventListener("input", function () {
      if (/^#[0-9a-fA-F]{6}$/.test(box.value.trim())) picker.value = box.value.trim().toLowerCase();
    });
  });
  // Redraw the preview from the form as typed, a moment after the last change.
  var timer = 0, asked = 0;
  function redraw() {
    var mine = ++asked;
    var body = new URLSearchParams(new FormData(section.closest("form")));
    fetch(frame.getAttribute("data-preview"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html && mine === asked) frame.srcdoc = html; })
      .catch(function () { /* the saved preview stays */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(redraw, 300); }
  fields.addEventListener("input", later);
  fields.addEventListener("change", later);
})();
