// Small behaviours, no framework: busy buttons on long submissions, confirmations, the phone menu.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    var button = form.querySelector("button[data-busy]");
    if (button) {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy");
      form.classList.add("busy");
    }
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) { return; }
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // Jump from the extracted tree to its source line and show it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.line");
    if (!link) { return; }
    var line = document.querySelector(link.getAttribute("href"));
    if (!line) { return; }
    event.preventDefault();
    document.querySelectorAll(".lines li.current").forEach(function (li) { li.classList.remove("current"); });
    line.classList.add("current");
    line.scrollIntoView({ block: "center" });
  });
})();
// "Select all" boxes on lists (bulk supervision orders).
document.addEventListener("change", function (event) {
  var box = event.target.closest("input[data-check-all]");
  if (!box) { return; }
  document.querySelectorAll('input[name="' + box.getAttribute("data-check-all") + '"]').forEach(function (other) {
    other.checked = box.checked;
  });
});
// An alignment page opened at a parent task (from a plan's page): unfold that task's passages.
(function () {
  "use strict";
  function openAlignedTask() {
    var id = window.location.hash.replace(/[^#\w-]/g, "");
    var item = id.length > 1 && document.querySelector("article.align-item" + id);
    if (item) { item.querySelectorAll("details.texts").forEach(function (d) { d.open = true; }); }
  }
  document.addEventListener("DOMContentLoaded", openAlignedTask);
  window.addEventListener("hashchange", openAlignedTask);
})();
// A read-only link to copy (the calendar feed): one click selects all of it.
document.addEventListener("click", function (event) {
  var field = event.target.closest("input[data-select-on-click]");
  if (field) { field.select(); }
});
