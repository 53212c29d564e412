// The report's map: the shipped basemap and the incidents, grouped on a screen grid so that
// 100,000 incidents stay quick to pan and zoom. Text from the data is shown with textContent
// only, never parsed as HTML.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var status = document.getElementById("map-status");
  if (!el) { return; }
  if (typeof L === "undefined") { status.textContent = "Map library not available."; return; }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var data = readJson("rw-map-data");
  var world = readJson("rw-world");
  var n = data ? data.id.length : 0;
  var CELL = 44;        // grid cell in screen pixels: incidents closer than this are grouped
  var DETAIL_ZOOM = 15; // from this zoom on, groups list their incidents instead of zooming

  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 18 });
  map.attributionControl.setPrefix("Leaflet");
  if (world) {
    L.geoJSON(world, {
      interactive: false,
      attribution: "Boundaries: Natural Earth (public domain) via world-atlas",
      style: { className: "rw-country", color: "#7a8794", weight: 0.8, fillColor: "#f4f1ea",
               fillOpacity: 1 }
    }).addTo(map);
  }

  // Web Mercator coordinates at zoom 0 (256 px world), computed once.
  var X = new Float64Array(n), Y = new Float64Array(n), i;
  var minLat = 90, maxLat = -90, minLon = 180, maxLon = -180;
  for (i = 0; i < n; i++) {
    var lat = Math.max(Math.min(data.lat[i], 85.05), -85.05), lon = data.lon[i];
    var s = Math.sin(lat * Math.PI / 180);
    X[i] = (lon + 180) / 360 * 256;
    Y[i] = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
    if (lat < minLat) { minLat = lat; } if (lat > maxLat) { maxLat = lat; }
    if (lon < minLon) { minLon = lon; } if (lon > maxLon) { maxLon = lon; }
  }
  var epoch = data ? Date.parse(data.epoch + "T00:00:00Z") : 0;
  var layer = L.layerGroup().addTo(map);
  var showContext = document.getElementById("show-context");

  function isProtected(k) { return data.cat[k] !== 0; }

  function categories(mask) {
    var out = [];
    for (var b = 0; b < data.categories.length; b++) {
      if (mask & (1 << b)) { out.push(data.categories[b].replace("_", " ")); }
    }
    return out.length ? out.join(", ") : "context event (no protected victims reported)";
  }

  function line(parent, label, text) {
    if (!text && text !== 0) { return; }
    var div = document.createElement("div");
    var b = document.createElement("b");
    b.textContent = label + ": ";
    div.appendChild(b);
    div.appendChild(document.createTextNode(String(text)));
    parent.appendChild(div);
  }

  function describe(k, parent) {
    var box = document.createElement("div");
    box.className = "rw-popup";
    var head = document.createElement("strong");
    head.textContent = "Incident #" + data.id[k];
    box.appendChild(head);
    if (data.day[k] >= 0) {
      line(box, "Date", new Date(epoch + data.day[k] * 86400000).toISOString().slice(0, 10));
    }
    line(box, "Place", data.places[data.place[k]]);
    line(box, "Hit", categories(data.cat[k]));
    line(box, "Weapon", data.weapons[data.weapon[k]]);
    if (data.killed[k] >= 0) { line(box, "Killed (highest count reported)", data.killed[k]); }
    if (data.injured[k] >= 0) { line(box, "Injured (highest count reported)", data.injured[k]); }
    line(box, "Certainty", data.grade[k] >= 0 ? data.grades[data.grade[k]] : "not assessed");
    line(box, "Alleged perpetrator", data.perpetrators[data.perp[k]]);
    (parent || document.createDocumentFragment()).appendChild(box);
    return box;
  }

  function groupPopup(members) {
    var box = document.createElement("div");
    var head = document.createElement("p");
    head.textContent = members.length + " incidents at this place";
    box.appendChild(head);
    var list = document.createElement("div");
    list.className = "rw-popup-list";
    list.style.maxHeight = "260px";
    list.style.overflowY = "auto";
    for (var m = 0; m < Math.min(members.length, 50); m++) { describe(members[m], list); }
    if (members.length > 50) {
      var more = document.createElement("p");
      more.textContent = "… and " + (members.length - 50) + " more";
      list.appendChild(more);
    }
    box.appendChild(list);
    return box;
  }

  function single(k) {
    var prot = isProtected(k);
    var marker = L.circleMarker([data.lat[k], data.lon[k]], {
      radius: prot ? 6 : 4, color: prot ? "#8b1a13" : "#555b66", weight: 1,
      fillColor: prot ? "#d7301f" : "#9aa1ab", fillOpacity: 0.85, className: "rw-marker"
    });
    marker.bindPopup(function () { return describe(k); });
    return marker;
  }

  function group(cell, zoom) {
    var size = Math.round(22 + 6 * Math.log(cell.n) / Math.LN10);
    var icon = L.divIcon({
      className: "rw-cluster" + (cell.prot ? " rw-cluster-protected" : ""),
      html: cell.n >= 10000 ? Math.round(cell.n / 1000) + "k" : String(cell.n),
      iconSize: [size, size]
    });
    var latlng = map.unproject([cell.sx / cell.n, cell.sy / cell.n], zoom);
    var marker = L.marker(latlng, { icon: icon, keyboard: true, title: cell.n + " incidents" });
    if (zoom >= DETAIL_ZOOM) {
      marker.bindPopup(function () { return groupPopup(cell.members); }, { maxWidth: 320 });
    } else {
      marker.on("click", function () { map.setView(latlng, Math.min(zoom + 2, map.getMaxZoom())); });
    }
    return marker;
  }

  function redraw() {
    layer.clearLayers();
    var zoom = map.getZoom(), scale = Math.pow(2, zoom);
    var b = map.getPixelBounds(), pad = CELL;
    var x0 = b.min.x - pad, x1 = b.max.x + pad, y0 = b.min.y - pad, y1 = b.max.y + pad;
    var worldPx = 256 * scale;
    var cells = new Map(), both = showContext ? showContext.checked : true;
    var shown = 0, markers = 0;
    for (var k = 0; k < n; k++) {
      if (!both && !isProtected(k)) { continue; }
      var px = X[k] * scale, py = Y[k] * scale;
      // worldCopyJump keeps the view near one copy of the world; shift points to that copy.
      while (px < x0) { px += worldPx; }
      while (px > x1 && px - worldPx >= x0) { px -= worldPx; }
      if (px > x1 || py < y0 || py > y1) { continue; }
      var key = Math.floor(px / CELL) * 4194304 + Math.floor(py / CELL);
      var cell = cells.get(key);
      if (!cell) { cell = { n: 0, sx: 0, sy: 0, prot: false, members: [] }; cells.set(key, cell); }
      cell.n++; cell.sx += px; cell.sy += py;
      if (isProtected(k)) { cell.prot = true; }
      if (zoom >= DETAIL_ZOOM || cell.members.length < 1) { cell.members.push(k); }
      shown++;
    }
    cells.forEach(function (cell) {
      layer.addLayer(cell.n === 1 ? single(cell.members[0]) : group(cell, zoom));
      markers++;
    });
    el.setAttribute("data-incidents-shown", String(shown));
    el.setAttribute("data-markers", String(markers));
    status.textContent = n.toLocaleString("en") + " incidents with coordinates; " +
      shown.toLocaleString("en") + " in view as " + markers.toLocaleString("en") + " markers.";
  }

  if (n) {
    map.fitBounds([[minLat, minLon], [maxLat, maxLon]], { maxZoom: 10, padding: [20, 20] });
  } else {
    map.setView([20, 20], 2);
  }
  map.on("moveend", redraw);
  if (showContext) { showContext.addEventListener("change", redraw); }
  redraw();
  el.setAttribute("data-ready", "1");
})();
