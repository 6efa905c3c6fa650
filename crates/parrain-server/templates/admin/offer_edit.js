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

// The rewards section: rows moved up and down (the server reads them in
// page order), each row's inputs for its kind, and the progress bar a
// referrer would see, redrawn from the rows as typed.
(function () {
  "use strict";
  var section = document.getElementById("rewards-section");
  if (!section) return;
  var slider = document.getElementById("rewards-preview-credit");
  var shown = document.getElementById("rewards-preview-value");
  var line = section.querySelector("[data-preview-line]");
  var track = section.querySelector("[data-preview-track]");

  function fit(row) {
    var kind = row.querySelector("[data-field=kind]").value;
    row.querySelector("[data-needs-count]").hidden = kind === "friend" || kind === "friend_sign_up";
    row.querySelector("[data-needs-every]").hidden = kind !== "every";
  }

  // The referrer milestones as typed: {name, at} or {name, every, max}.
  function tiers() {
    var out = [];
    section.querySelectorAll("[data-reward-row]").forEach(function (row) {
      var kind = row.querySelector("[data-field=kind]").value;
      var count = parseInt(row.querySelector("[data-field=count]").value, 10);
      if ((kind !== "at" && kind !== "every") || !(count > 0)) return;
      var name = row.querySelector("[data-field=label]").value.trim() ||
        row.querySelector("[data-field=id]").value.trim() || "Reward";
      var max = parseInt(row.querySelector("[name$='.max_times']").value, 10);
      out.push(kind === "at" ? { name: name, at: count } : { name: name, every: count, max: max > 0 ? max : 0 });
    });
    return out;
  }

  // The same reading as the widget's: the nearest milestone still ahead.
  function nextAt(t, c) {
    if (t.at) return t.at > c ? t.at : 0;
    var n = Math.floor(c / t.every);
    return !t.max || n < t.max ? (n + 1) * t.every : 0;
  }

  function draw() {
    var list = tiers();
    var marks = [];
    list.forEach(function (t) {
      if (t.at) marks.push({ at: t.at, name: t.name });
      else for (var k = 1; k <= (t.max || 3); k++) marks.push({ at: k * t.every, name: t.name });
    });
    var top = Math.max.apply(null, [1].concat(marks.map(function (m) { return m.at; })));
    slider.max = String(top);
    var c = Math.min(parseInt(slider.value, 10) || 0, top);
    shown.textContent = String(c);
    var next = null;
    list.forEach(function (t) {
      var at = nextAt(t, c);
      if (at && (!next || at < next.at)) next = { at: at, name: t.name };
    });
    line.textContent = !list.length ? "No referrer reward yet: add one to see the bar."
      : next ? c + " of " + next.at + " credits — " + (next.at - c) + " more for: " + next.name
      : c + " credits — every reward reached";
    track.textContent = "";
    var fill = document.createElement("i");
    fill.style.width = (Math.min(c, top) / top) * 100 + "%";
    track.appendChild(fill);
    marks.forEach(function (m) {
      var b = document.createElement("b");
      b.style.left = "calc(" + (m.at / top) * 100 + "% - 1px)";
      b.title = m.name + " at " + m.at;
      var label = document.createElement("span");
      label.textContent = m.at;
      b.appendChild(label);
      track.appendChild(b);
    });
  }

  section.addEventListener("click", function (event) {
    var step = event.target.getAttribute("data-move");
    if (!step) return;
    var row = event.target.closest("[data-row]");
    var sibling = step === "-1" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling || !sibling.hasAttribute("data-row")) return;
    if (step === "-1") sibling.before(row);
    else sibling.after(row);
    event.target.focus();
    draw();
  });
  section.addEventListener("change", function (event) {
    if (event.target.getAttribute("data-field") === "kind") fit(event.target.closest("[data-row]"));
    draw();
  });
  section.addEventListener("input", draw);
  // Rows added or removed by the generic row script, after it has run.
  section.addEventListener("click", function (event) {
    if (!event.target.hasAttribute("data-add") && !event.target.hasAttribute("data-remove")) return;
    setTimeout(function () {
      section.querySelectorAll("[data-reward-row]").forEach(fit);
      draw();
    }, 0);
  });
  section.querySelectorAll("[data-reward-row]").forEach(fit);
  draw();
})();
