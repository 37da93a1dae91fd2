// The kiosk: an on-screen keypad fills the focused field; with no touch for the idle time the
// session ends (the server ends it too, so a closed page cannot keep it alive).
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "120", 10);
  var left = idle;
  // The last seconds are a warning (at most 30, a quarter of the idle time for a short one).
  var warnFrom = Math.max(1, Math.min(30, Math.ceil(idle / 4)));
  var notice = document.getElementById("kiosk-idle");
  var counts = document.querySelectorAll("[data-countdown]");
  var calm = document.querySelector("[data-idle-calm]");
  var warning = document.querySelector("[data-idle-warning]");
  var said = document.querySelector("[data-idle-said]");
  var target = document.querySelector("[data-keypad]");
  function show() {
    var warn = left <= warnFrom;
    counts.forEach(function (c) { c.textContent = String(Math.max(0, left)); });
    if (!notice || !calm || !warning) { return; }
    if (warn !== notice.classList.contains("kiosk-idle-warning")) {
      notice.classList.toggle("kiosk-idle-warning", warn);
      calm.classList.toggle("kiosk-idle-off", warn);
      warning.classList.toggle("kiosk-idle-off", !warn);
      // Said once when the warning comes, not every second.
      if (said) { said.textContent = warn ? "即将自动退出，触摸屏幕任意位置继续使用" : ""; }
    }
  }
  function reset() { left = idle; show(); }
  // Any touch, key or scroll counts as use.
  ["click", "touchstart", "pointerdown", "keydown", "input", "wheel", "scroll"].forEach(function (e) {
    document.addEventListener(e, reset, { capture: true, passive: true });
  });
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
    show();
    if (left <= 0) {
      var form = document.getElementById("kiosk-end");
      if (form) { form.submit(); } else { window.location.reload(); }
    }
  }, 1000);
})();
