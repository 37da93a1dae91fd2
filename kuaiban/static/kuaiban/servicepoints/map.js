/* The points on the bureau's own tile server (Leaflet). The list on the page is the source:
   each entry carries its position; a marker is a keyboard-focusable link to its entry. */
(function () {
  "use strict";
  var box = document.getElementById("sp-leaflet");
  if (!box || !window.L) { return; }
  var map = window.L.map(box, { keyboard: true, scrollWheelZoom: false });
  window.L.tileLayer(box.getAttribute("data-tiles"), {
    maxZoom: 18,
    attribution: box.getAttribute("data-attribution") || ""
  }).addTo(map);
  var bounds = [];
  var entries = document.querySelectorAll("[data-lat][data-lng]");
  Array.prototype.forEach.call(entries, function (entry, index) {
    var at = [parseFloat(entry.getAttribute("data-lat")), parseFloat(entry.getAttribute("data-lng"))];
    var number = (parseInt(entry.parentNode.getAttribute("start") || "1", 10) || 1) + index;
    var name = entry.getAttribute("data-name") || "";
    var marker = window.L.marker(at, { title: number + ". " + name, alt: number + ". " + name, keyboard: true });
    var go = function () {
      entry.scrollIntoView();
      var link = entry.querySelector("a");
      if (link) { link.focus(); }
    };
    marker.on("click", go);
    // Leaflet turns Enter on a focused marker into a popup only: the keyboard goes to the entry too.
    marker.on("keypress", function (e) {
      var key = e.originalEvent && (e.originalEvent.key || e.originalEvent.keyCode);
      if (key === "Enter" || key === 13) { go(); }
    });
    marker.addTo(map);
    bounds.push(at);
  });
  var origin = box.getAttribute("data-origin");
  if (origin) {
    var parts = origin.split(",");
    var here = [parseFloat(parts[0]), parseFloat(parts[1])];
    window.L.circleMarker(here, { radius: 8 }).addTo(map).bindTooltip("您的位置");
    bounds.push(here);
  }
  if (bounds.length === 1) { map.setView(bounds[0], 15); }
  else if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30] }); }
})();
