// Draws the spatial extent of each collection on the page (every element with data-bbox) as a
// rectangle on a map without a base layer: the hub serves offline, so there are no tiles to show.
'use strict';

(function () {
  const container = document.getElementById('map');
  if (!container || !window.L) {
    return;
  }
  const map = L.map(container, { zoomSnap: 0.25 });
  const bounds = L.latLngBounds([]);
  for (const element of document.querySelectorAll('[data-bbox]')) {
    const [west, south, east, north] = element.dataset.bbox.split(',').map(Number);
    const box = L.latLngBounds([south, west], [north, east]);
    const rectangle = L.rectangle(box, { color: '#1f6f50', weight: 2, fillOpacity: 0.08 }).addTo(map);
    if (element.dataset.title) {
      // An element, not a string: Leaflet would take a string as HTML.
      const label = document.createElement('span');
      label.textContent = element.dataset.title;
      rectangle.bindTooltip(label, { sticky: true });
    }
    if (element.dataset.href) {
      rectangle.on('click', () => { window.location.href = element.dataset.href; });
    }
    bounds.extend(box);
  }
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [24, 24] });
  } else {
    map.fitWorld();
  }
})();
