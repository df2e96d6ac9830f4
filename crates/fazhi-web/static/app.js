// Fazhi's pages: the phone's menu button, a confirmation before a step that makes something public
// or final (a form with data-confirm), and the first error of a refused form brought into view.
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

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    confirmations();
    firstError();
  });
})();
