// The kiosk: an on-screen keypad fills the focused field; with no touch for the idle time the
// session ends (the server ends it too, so a closed page cannot keep it alive).
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "120", 10);
  var left = idle;
  var shown = document.querySelector("[data-countdown]");
  var target = document.querySelector("[data-keypad]");
  function reset() { left = idle; if (shown) { shown.textContent = String(left); } }
  ["click", "touchstart", "keydown"].forEach(function (e) { document.addEventListener(e, reset, true); });
  document.querySelectorAll("[data-keypad]").forEach(function (input) {
    input.addEventListener("focus", function () { target = input; });
  });
  document.querySelectorAll(".kiosk-key").forEach(function (key) {
    key.addEventListener("click", function () {
      if (!target) { return; }
      var k = key.getAttribute("data-key");
      if (k === "back") { target.value = target.value.slice(0, -1); }
      else if (target.value.length < target.maxLength) { target.value += k; }
      if (target.value.length >= target.maxLength) {
        var next = document.querySelectorAll("[data-keypad]");
        for (var i = 0; i < next.length - 1; i++) { if (next[i] === target) { target = next[i + 1]; break; } }
      }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (link) {
    link.addEventListener("click", function () { var w = window.open(link.href); if (w) { w.addEventListener("load", function () { w.print(); }); } });
  });
  reset();
  setInterval(function () {
    left -= 1;
    if (shown) { shown.textContent = String(Math.max(0, left)); }
    if (left <= 0) {
      var form = document.getElementById("kiosk-end");
      if (form) { form.submit(); } else { window.location.reload(); }
    }
  }, 1000);
})();
