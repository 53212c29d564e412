// Draws incidents on the map from the API; the basemap is the shipped world outline, since
// tile servers are not assumed reachable.
(function () {
  var el = document.getElementById("map");
  var status = document.getElementById("map-status");
  if (!el) { return; }
  if (typeof L === "undefined") { status.textContent = "Map library not available."; return; }
  var map = L.map(el, { preferCanvas: true }).setView([30, 30], 3);
  fetch("/static/world.geojson").then(function (r) { return r.ok ? r.json() : null; })
    .then(function (world) { if (world) { L.geoJSON(world, { style: { color: "#889", weight: 1, fillOpacity: 0.05 } }).addTo(map); } })
    .catch(function () {});
  fetch(el.getAttribute("data-geojson")).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: f.properties.protected ? 5 : 3,
          color: f.properties.protected ? "#b3261e" : "#667", weight: 1, fillOpacity: 0.6 });
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties, div = document.createElement("div"), a = document.createElement("a");
        a.href = "/incidents/" + encodeURIComponent(p.id);
        a.textContent = "Incident " + p.id;
        div.appendChild(a);
        div.appendChild(document.createTextNode(" " + (p.date_start || "") + " " + (p.place_name || "") +
          " · " + (p.categories.join(", ") || "context event") + " · " + (p.certainty || "not assessed")));
        lyr.bindPopup(div);
      }
    }).addTo(map);
    // past its limit the API gives the first incidents by id: a cut map must not pass for all
    status.textContent = data.truncated
      ? "Showing " + data.features.length.toLocaleString("en") + " of " +
        data.total.toLocaleString("en") + " incidents with coordinates: the map draws at most " +
        data.features.length.toLocaleString("en") + " (the first by id)."
      : data.features.length + " incident(s) with coordinates.";
    if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 10 }); }
  });
})();
