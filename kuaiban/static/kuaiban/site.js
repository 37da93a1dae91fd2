// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen-reader and keyboard users land on it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // A choice that changes what the rest of the form offers (the point decides its items) asks
  // the server again at once; without script the form's own button does the same.
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Large-text mode (适老化) switches in place, so nothing typed on the page is lost; the same
  // cookie the server reads keeps it for the next pages. Without script the form posts and the
  // server sets the cookie instead.
  var toggle = document.querySelector("form.display-toggle");
  if (!toggle) { return; }
  toggle.addEventListener("submit", function (event) {
    event.preventDefault();
    var root = document.documentElement;
    var on = !root.classList.contains("large-text");
    root.classList.toggle("large-text", on);
    document.cookie = "kuaiban_large_text=" + (on ? "1; max-age=31536000" : "; max-age=0") +
      "; path=/; SameSite=Lax";
    var button = toggle.querySelector("button");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.getAttribute("data-label-off") : button.getAttribute("data-label-on");
    toggle.querySelector("input[name=on]").value = on ? "0" : "1";
  });
});
