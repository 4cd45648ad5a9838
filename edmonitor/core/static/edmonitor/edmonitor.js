// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");
// For items that can be derived from facts, show only the part the user chose.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-mode-group]").forEach(function (group) {
    var item = group.getAttribute("data-mode-group");
    var direct = document.getElementById("direct-" + item);
    var facts = document.getElementById("facts-" + item);
    function update() {
      var chosen = group.querySelector("input:checked");
      var mode = chosen ? chosen.value : "direct";
      if (direct) direct.hidden = mode === "facts";
      if (facts) facts.hidden = mode !== "facts";
    }
    group.addEventListener("change", update);
    update();
  });
  // On a phone the main menu folds behind a button (see edmonitor.css).
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.closest(".site-header").classList.toggle("menu-open", open);
    });
  }
  // A chart that scrolls inside its figure (phones) can be reached and scrolled by keyboard.
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var img = figure.querySelector("img");
    if (img && figure.scrollWidth > figure.clientWidth + 1) {
      figure.tabIndex = 0;
      figure.setAttribute("role", "region");
      figure.setAttribute("aria-label", img.alt);
    }
  });
  // A long form warns before its unsaved answers are lost, and says how many items are answered.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    var progress = form.querySelector("[data-progress]");
    var total = form.getAttribute("data-progress-total");
    if (progress && total) {
      var count = function () {
        var answered = 0;
        form.querySelectorAll("fieldset.item").forEach(function (item) {
          var facts = item.querySelector("[data-mode-group] input[value=facts]:checked");
          if (item.querySelector("input[name^=item_]:checked") || facts) answered += 1;
        });
        progress.textContent = progress.getAttribute("data-progress")
          .replace("ANSWERED", answered).replace("TOTAL", total);
      };
      progress.hidden = false;
      form.addEventListener("change", count);
      count();
    }
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});

// The session form: show what the knowledge base says about the method chosen (purpose, group size).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-method-info-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-method-info-for"));
    if (!select) return;
    function update() {
      box.querySelectorAll("[data-method]").forEach(function (info) {
        info.hidden = info.getAttribute("data-method") !== select.value;
      });
      var none = box.querySelector("[data-method-none]");
      if (none) none.hidden = select.value !== "";
    }
    select.addEventListener("change", update);
    update();
  });
});
