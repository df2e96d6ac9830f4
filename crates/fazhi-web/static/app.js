// Fazhi's pages: the phone's menu button, a confirmation before a step that makes something public
// or final (a form with data-confirm), the first error of a refused form brought into view, and
// tables marked sortable ordered by the column whose header is clicked, and the reports of a batch
// check chosen for their side-by-side comparison.
(function () {
  "use strict";

  function menu() {
    var button = document.getElementById("menu-button");
    var sidebar = document.getElementById("sidebar");
    if (!button || !sidebar) return;
    button.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function confirmations() {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var text = document.getElementById("confirm-text");
    var title = document.getElementById("confirm-title");
    var ok = document.getElementById("confirm-ok");
    var cancel = document.getElementById("confirm-cancel");
    var pending = null;
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
      if (form.dataset.confirmed === "yes") return;
      event.preventDefault();
      pending = { form: form, submitter: event.submitter || null };
      title.textContent = "确认" + (form.dataset.action || "办理") + "？";
      text.textContent = form.dataset.confirm;
      ok.textContent = "确认" + (form.dataset.action || "");
      dialog.showModal();
    });
    ok.addEventListener("click", function () {
      dialog.close();
      if (!pending) return;
      var form = pending.form;
      form.dataset.confirmed = "yes";
      if (pending.submitter && form.requestSubmit) form.requestSubmit(pending.submitter);
      else form.submit();
      pending = null;
    });
    cancel.addEventListener("click", function () {
      pending = null;
      dialog.close();
    });
  }

  function firstError() {
    var error = document.querySelector(".field .error, .alert.error");
    if (!error) return;
    var details = error.closest("details");
    if (details) details.open = true;
    error.scrollIntoView({ block: "center" });
    var field = error.closest(".field");
    var input = field && field.querySelector("input, select, textarea");
    if (input) input.focus({ preventScroll: true });
  }

  // A click on a header orders the rows by that column, a second click the other way; numbers as
  // numbers, words as Chinese collates them.
  function sortable() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      var body = table.tBodies[0];
      if (!body) return;
      table.querySelectorAll("thead th").forEach(function (th, column) {
        if (th.classList.contains("nosort")) return;
        th.tabIndex = 0;
        th.setAttribute("aria-sort", "none");
        th.title = "点击排序";
        function order() {
          var up = th.getAttribute("aria-sort") !== "ascending";
          table.querySelectorAll("thead th").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", up ? "ascending" : "descending");
          var rows = Array.prototype.slice.call(body.rows);
          var key = function (row) { return (row.cells[column] || {}).textContent.trim(); };
          rows.sort(function (a, b) {
            var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
            var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, "zh-CN");
            return up ? c : -c;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        }
        th.addEventListener("click", order);
        th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); order(); } });
      });
    });
  }

  // A report unticked in the results table leaves the side-by-side comparison (its column in
  // #check-compare, by the position the box names).
  function comparePicks() {
    var compare = document.getElementById("check-compare");
    if (!compare) return;
    document.querySelectorAll("input.compare-pick").forEach(function (box) {
      box.addEventListener("change", function () {
        var column = parseInt(box.dataset.column, 10);
        Array.prototype.forEach.call(compare.rows, function (row) {
          if (row.cells[column]) row.cells[column].hidden = !box.checked;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    confirmations();
    firstError();
    sortable();
    comparePicks();
  });
})();
