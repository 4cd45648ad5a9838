// Progressive enhancement only: every page works without JavaScript.
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
