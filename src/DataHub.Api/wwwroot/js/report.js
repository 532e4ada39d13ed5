// Draws a report page's chart (Chart.js) and, for reports by administrative unit, its map
// (Leaflet), from the JSON of the same URL. The table is already in the page. An operational
// report names the columns its chart draws (report.chart); the land forms draw hectares.
'use strict';

(function () {
  const canvas = document.getElementById('chart');
  const url = new URL(window.location.href);
  url.searchParams.set('f', 'json');
  const hectares = m2 => Math.round(m2 / 100) / 100;
  const number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
  const colours = {
    computed: '#1f6f50', stored: '#c9a227', NNP: '#6a9f3a', PNN: '#b5651d', CSD: '#9a9a9a', other: '#5778a4',
    ON_TIME: '#1f6f50', LATE: '#c0392b', OPEN_IN_TIME: '#5778a4', OPEN_OVERDUE: '#e67e22',
    FILED: '#5778a4', APPROVED: '#1f6f50', REFUSED: '#c0392b', GRANTS: '#c9a227',
    SENT: '#1f6f50', FAILED: '#c0392b', PENDING: '#e67e22',
  };

  fetch(url.pathname + url.search, { headers: { Accept: 'application/json' } })
    .then(async response => {
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail || `The hub answered ${response.status}.`);
      }
      return response.json();
    })
    .then(report => {
      chart(report);
      if (report.spatial) {
        map(report);
      }
    })
    .catch(error => {
      const note = document.getElementById('comparison');
      note.textContent = `The report could not be drawn: ${error.message}`;
      note.classList.add('error');
    });

  function column(report, key) {
    return report.columns.findIndex(c => c.key === key);
  }

  function detailLines(report) {
    return report.lines.filter(l => l.line.level === 2);
  }

  function chart(report) {
    if (!canvas || !window.Chart) {
      return;
    }
    if (report.chart) {
      figures(report);
      return;
    }
    let data;
    let stacked = false;
    if (report.id === '03-tkkk') {
      // Each unit's area by land group, stacked.
      const lines = detailLines(report);
      const groups = report.columns.filter(c => c.level === 1);
      stacked = true;
      data = {
        labels: lines.map(l => l.line.labelVi),
        datasets: groups.map(g => ({
          label: g.labelVi,
          backgroundColor: colours[g.key] || colours.other,
          data: lines.map(l => hectares(l.cells[column(report, g.key)].computed)),
        })),
      };
    } else {
      // The area of each line, computed beside stored.
      const total = column(report, 'TOTAL');
      const lines = detailLines(report).filter(l => l.cells[total].computed > 0 || (l.cells[total].stored || 0) > 0);
      const datasets = [{
        label: 'Tính từ CSDL (ha)',
        backgroundColor: colours.computed,
        data: lines.map(l => hectares(l.cells[total].computed)),
      }];
      if (report.stored) {
        datasets.push({
          label: `Đã báo cáo ${report.stored.year} (ha)`,
          backgroundColor: colours.stored,
          data: lines.map(l => hectares(l.cells[total].stored || 0)),
        });
      }
      data = { labels: lines.map(l => `${l.key} ${l.line.labelVi}`), datasets };
    }
    canvas.parentElement.classList.toggle('tall', data.labels.length > 12);
    new Chart(canvas, {
      type: 'bar',
      data,
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked, title: { display: true, text: 'ha' }, ticks: { callback: v => number.format(v) } },
          y: { stacked, ticks: { autoSkip: false } },
        },
        plugins: {
          tooltip: { callbacks: { label: item => `${item.dataset.label}: ${number.format(item.parsed.x)} ha` } },
        },
      },
    });
  }

  // An operational report: the chart's columns for each detail line, as counts.
  function figures(report) {
    const lines = detailLines(report);
    const data = {
      labels: lines.map(l => l.key === l.line.labelVi ? l.key : `${l.key} ${l.line.labelVi}`),
      datasets: report.chart.columns.map(key => {
        const index = column(report, key);
        return {
          label: report.columns[index].labelVi,
          backgroundColor: colours[key] || colours.other,
          data: lines.map(l => l.cells[index].computed),
        };
      }),
    };
    const byMonth = report.period && report.period.by === 'month';
    canvas.parentElement.classList.toggle('tall', !byMonth && data.labels.length > 12);
    new Chart(canvas, {
      type: 'bar',
      data,
      options: {
        indexAxis: byMonth ? 'x' : 'y',
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: report.chart.stacked, ticks: { autoSkip: byMonth } },
          y: { stacked: report.chart.stacked, ticks: { autoSkip: false } },
        },
        plugins: {
          title: { display: true, text: report.chart.axisVi },
          tooltip: { callbacks: { label: item => `${item.dataset.label}: ${number.format(byMonth ? item.parsed.y : item.parsed.x)}` } },
        },
      },
    });
  }

  // Units shaded by their total area; units with a difference from the stored figures outlined in red.
  function map(report) {
    const container = document.getElementById('map');
    if (!container || !window.L) {
      return;
    }
    const total = column(report, 'TOTAL');
    const lines = new Map(detailLines(report).map(l => [l.key, l]));
    if (lines.size === 0) {
      container.hidden = true;
      return;
    }
    const codes = Array.from(lines.keys()).map(c => `'${c.replace(/'/g, "''")}'`).join(',');
    const root = url.pathname.replace(/\/api\/v1\/reports\/.*$/, '');
    const boundaries = `${root}/api/v1/collections/admin-units/items?limit=1000&filter=${encodeURIComponent(`code IN (${codes})`)}`;
    fetch(boundaries, { headers: { Accept: 'application/geo+json' } })
      .then(response => response.ok ? response.json() : Promise.reject(new Error(`boundaries: ${response.status}`)))
      .then(collection => {
        // A code may have several versions: draw the latest.
        const latest = new Map();
        for (const feature of collection.features) {
          const code = feature.properties.code;
          if (feature.geometry && (!latest.has(code) || latest.get(code).properties.valid_from < feature.properties.valid_from)) {
            latest.set(code, feature);
          }
        }
        const areas = Array.from(lines.values()).map(l => l.cells[total].computed);
        const max = Math.max(...areas, 1);
        const leaflet = L.map(container, { zoomSnap: 0.25 });
        const layer = L.geoJSON(Array.from(latest.values()), {
          style: feature => {
            const line = lines.get(feature.properties.code);
            const share = line ? line.cells[total].computed / max : 0;
            const flagged = line && line.cells.some(c => c.flagged);
            return { color: flagged ? '#c0392b' : '#1f6f50', weight: flagged ? 2.5 : 1, fillColor: '#1f6f50', fillOpacity: 0.1 + 0.7 * share };
          },
          onEachFeature: (feature, shape) => {
            const line = lines.get(feature.properties.code);
            shape.bindTooltip(`${feature.properties.code} ${feature.properties.name}: ${number.format(hectares(line ? line.cells[total].computed : 0))} ha`);
          },
        }).addTo(leaflet);
        const bounds = layer.getBounds();
        if (bounds.isValid()) {
          leaflet.fitBounds(bounds, { padding: [16, 16] });
        } else {
          leaflet.fitWorld();
        }
        container.dataset.units = String(latest.size);
      })
      .catch(error => {
        container.textContent = `The map could not be drawn: ${error.message}`;
      });
  }
})();
