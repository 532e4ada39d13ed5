// Fills a features page (table#features) or a feature page (table#feature) from the JSON of the
// same URL: the server renders the frame, the features come by the same streamed path as for any
// API client. Values go in as text, never as HTML.
'use strict';

(function () {
  const summary = document.getElementById('summary');
  const listTable = document.getElementById('features');
  const featureTable = document.getElementById('feature');

  const url = new URL(window.location.href);
  url.searchParams.set('f', 'json');
  // The map draws longitude/latitude: whatever crs the page was asked in, fetch CRS84.
  url.searchParams.delete('crs');

  fetch(url.pathname + url.search, { headers: { Accept: 'application/geo+json, application/json' } })
    .then(async response => {
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail || `The hub answered ${response.status}.`);
      }
      return response.json();
    })
    .then(answer => {
      const features = answer.type === 'FeatureCollection' ? answer.features : [answer];
      draw(features);
      if (listTable) {
        fillList(features);
        page(answer);
      } else if (featureTable) {
        fillFeature(answer);
      }
    })
    .catch(error => {
      summary.textContent = `The features could not be loaded: ${error.message}`;
      summary.classList.add('error');
    });

  function text(value) {
    if (value === null || value === undefined) {
      return '';
    }
    if (Array.isArray(value)) {
      return value.map(text).join(', ');
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function cell(tag, value) {
    const element = document.createElement(tag);
    element.textContent = text(value);
    return element;
  }

  // The page of one feature, as a link relative to this page's collection.
  function featureHref(id) {
    const items = window.location.pathname.replace(/\/$/, '');
    return `${items}/${encodeURIComponent(id)}?f=html`;
  }

  function columns() {
    return Array.from(listTable.querySelectorAll('thead th')).map(th => th.dataset.name);
  }

  function fillList(features) {
    const body = listTable.tBodies[0];
    const names = columns();
    for (const feature of features) {
      const row = document.createElement('tr');
      for (const name of names) {
        if (name === 'id') {
          const td = document.createElement('td');
          const link = document.createElement('a');
          link.href = featureHref(feature.id);
          link.textContent = text(feature.id);
          td.append(link);
          row.append(td);
        } else {
          row.append(cell('td', (feature.properties || {})[name]));
        }
      }
      body.append(row);
    }
  }

  function fillFeature(feature) {
    for (const row of featureTable.querySelectorAll('tr[data-name]')) {
      row.cells[1].textContent = text((feature.properties || {})[row.dataset.name]);
    }
    summary.textContent = `Feature ${text(feature.id)}`;
  }

  // Paging follows the links of the JSON answer, turned into links to their pages.
  function page(collection) {
    const returned = collection.numberReturned;
    const matched = collection.numberMatched;
    const offset = Number(url.searchParams.get('offset') || 0);
    summary.textContent = returned === 0
      ? 'No features match.'
      // Only the first page counts the matches (the count costs a pass over them all).
      : `Features ${offset + 1}–${offset + returned}` + (matched === undefined ? '' : ` of ${matched}`);
    for (const rel of ['prev', 'next']) {
      const link = (collection.links || []).find(l => l.rel === rel);
      const anchor = document.getElementById(rel);
      if (link && anchor) {
        const target = new URL(link.href, window.location.href);
        target.searchParams.set('f', 'html');
        anchor.href = target.pathname + target.search;
        anchor.hidden = false;
      }
    }
  }

  function popup(feature) {
    const table = document.createElement('table');
    table.className = 'popup';
    const caption = document.createElement('caption');
    const link = document.createElement('a');
    link.href = featureHref(feature.id);
    link.textContent = text(feature.id);
    caption.append(link);
    table.append(caption);
    for (const [name, value] of Object.entries(feature.properties || {})) {
      const row = document.createElement('tr');
      row.append(cell('th', name), cell('td', value));
      table.append(row);
    }
    return table;
  }

  // No base map is reachable offline: the features are drawn on a plain background.
  function draw(features) {
    const container = document.getElementById('map');
    if (!container || !window.L) {
      return;
    }
    const map = L.map(container, { zoomSnap: 0.25 });
    const layer = L.geoJSON(features.filter(f => f.geometry), {
      style: { color: '#1f6f50', weight: 1.5, fillColor: '#3c9a73', fillOpacity: 0.25 },
      pointToLayer: (_, latlng) => L.circleMarker(latlng, { radius: 6 }),
      onEachFeature: (feature, shape) => shape.bindPopup(() => popup(feature)),
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 19 });
    } else {
      map.fitWorld();
    }
    markSmallShapes(map, layer);
  }

  // A parcel far from the others is a speck at the zoom that shows them all: a dot at its
  // centre keeps it visible and clickable until it is large enough to see.
  function markSmallShapes(map, layer) {
    const marks = [];
    layer.eachLayer(shape => {
      if (shape.getBounds) {
        const mark = L.circleMarker(shape.getBounds().getCenter(), { radius: 5, className: 'speck', color: '#1f6f50', weight: 1.5, fillOpacity: 0.6 });
        mark.bindPopup(() => popup(shape.feature));
        marks.push([shape, mark]);
      }
    });
    const update = () => {
      for (const [shape, mark] of marks) {
        const box = shape.getBounds();
        const size = map.latLngToLayerPoint(box.getNorthEast()).distanceTo(map.latLngToLayerPoint(box.getSouthWest()));
        if (size < 8) {
          mark.addTo(map);
        } else {
          mark.remove();
        }
      }
    };
    map.on('zoomend', update);
    update();
  }
})();
