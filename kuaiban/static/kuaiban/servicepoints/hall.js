/* The calling screen keeps itself current: every few seconds it fetches the board and puts it
   in place; the latest call is in an aria-live region, so a screen reader announces it. */
(function () {
  "use strict";
  var wrap = document.getElementById("hall-board-wrap");
  if (!wrap || !window.fetch) { return; }
  var url = wrap.getAttribute("data-board-url");
  function refresh() {
    window.fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("hall-board");
        var board = document.getElementById("hall-board");
        if (next && board && next.innerHTML !== board.innerHTML) {
          var latest = document.getElementById("hall-latest");
          var nextLatest = next.querySelector("#hall-latest");
          if (latest && nextLatest) { latest.innerHTML = nextLatest.innerHTML; nextLatest.remove(); }
          Array.prototype.forEach.call(board.children, function (child) {
            if (child.id !== "hall-latest") { child.remove(); }
          });
          Array.prototype.forEach.call(Array.prototype.slice.call(next.children), function (child) {
            board.appendChild(child);
          });
        }
      })
      .catch(function () { /* the next round tries again */ });
  }
  window.setInterval(refresh, 3000);
})();
