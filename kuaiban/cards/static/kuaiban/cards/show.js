// 亮证: reload each QR code at the start of every minute, so a screenshot is soon useless.
(function () {
  "use strict";
  function refresh() {
    var images = document.querySelectorAll("img.show-qr");
    for (var i = 0; i < images.length; i++) {
      var base = images[i].getAttribute("src").split("?")[0];
      images[i].setAttribute("src", base + "?at=" + Date.now());
    }
  }
  function schedule() {
    var wait = 60000 - (Date.now() % 60000) + 500;
    window.setTimeout(function () { refresh(); schedule(); }, wait);
  }
  if (document.querySelector("img.show-qr")) { schedule(); }
})();
