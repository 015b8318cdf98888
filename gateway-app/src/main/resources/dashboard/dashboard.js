// Renders /actuator/migration every two seconds. Every value from the gateway goes into the page as a text
// node (textContent), never as markup, so a path or a mismatch sample cannot inject anything.
(() => {
  'use strict';

  const REFRESH_MS = 2000;
  const FETCH_TIMEOUT_MS = 5000;
  const STAGES = ['legacy', 'shadow', 'canary', 'migrated'];
  const integer = new Intl.NumberFormat('en-US');
  const share = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const rate = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const parity = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  // Route ids whose mismatch list the reader has opened; a refresh re-renders the table and must keep them open.
  // A link ending in #<route id> opens that route's list and scrolls to it, so a mismatch can be shared.
  const linked = decodeURIComponent(window.location.hash.substring(1));
  const openSamples = new Set(linked ? [linked] : []);
  let scrollPending = Boolean(linked);
  let lastUpdate = null;

  const byId = (id) => document.getElementById(id);

  // el('td', {class: 'x', data: {route: 'a'}}, 'text', childNode, ...): strings become text nodes.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name === 'class') {
        node.className = value;
      } else if (name === 'data') {
        for (const [key, v] of Object.entries(value)) {
          node.dataset[key] = String(v);
        }
      } else {
        node.setAttribute(name, String(value));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function setText(id, ...children) {
    const node = byId(id);
    node.replaceChildren();
    append(node, children);
  }

  function percent(format, value) {
    return format.format(value) + '%';
  }

  // Two decimals like the advice text, but never "100.00%" while any comparison differed.
  function parityText(value, mismatched) {
    const text = parity.format(value);
    return (mismatched > 0 && text === '100.00' ? '99.99' : text) + '%';
  }

  function utc(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) {
      return String(iso);
    }
    return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '') + ' UTC';
  }

  function clock(date) {
    return date.toISOString().substring(11, 19) + ' UTC';
  }

  function age(iso) {
    const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (Number.isNaN(seconds)) {
      return '';
    }
    if (seconds < 60) {
      return 'just now';
    }
    const minutes = Math.round(seconds / 60);
    if (minutes < 120) {
      return minutes + ' min ago';
    }
    const hours = Math.round(minutes / 60);
    return hours < 48 ? hours + ' h ago' : Math.round(hours / 24) + ' days ago';
  }

  function plural(n, one, many) {
    return integer.format(n) + ' ' + (n === 1 ? one : many);
  }

  function renderTableInfo(data) {
    setText('source', data.source);
    const hash = String(data.contentHash || '');
    const hashNode = byId('hash');
    hashNode.title = hash;
    setText('hash', hash.substring(0, 12));
    setText('loaded-at', utc(data.loadedAt), el('span', { class: 'muted' }, ' · ' + age(data.loadedAt)));
    setText('default-backend', data.defaultBackend);
    setText('backends', Object.entries(data.backends || {}).map(([name, url], i) => [
      i > 0 ? ', ' : null,
      el('span', { class: 'backend-name' }, name),
      el('span', { class: 'muted mono' }, ' ' + url)
    ]));
  }

  function renderReloadError(data) {
    const banner = byId('reload-error');
    const failure = data.lastReloadError;
    if (!failure) {
      banner.hidden = true;
      banner.replaceChildren();
      return;
    }
    banner.replaceChildren(
      el('h2', null, 'The last edit of routes.yaml was rejected'),
      el('p', null, 'Rejected at ' + utc(failure.at)
        + (failure.contentHash ? ' (hash ' + String(failure.contentHash).substring(0, 12) + ')' : '')
        + '. The gateway keeps serving the table loaded at ' + utc(data.loadedAt) + '. Fix these and save the file again:'),
      el('ul', { class: 'errors mono' }, (failure.errors || []).map((e) => el('li', null, e))));
    banner.hidden = false;
  }

  function renderSummary(routes) {
    const own = routes.filter((r) => r.advice);
    const counts = STAGES.map((stage) => [stage, own.filter((r) => r.stage === stage).length]).filter(([, n]) => n > 0);
    const attention = own.filter((r) => r.advice.verdict === 'attention').length;
    const ready = own.filter((r) => r.advice.verdict === 'ready' && r.stage !== 'migrated').length;
    setText('summary',
      el('strong', null, plural(own.length, 'route', 'routes')),
      counts.map(([stage, n]) => [' · ', el('span', { class: 'badge stage-' + stage }, stage), ' ' + integer.format(n)]),
      ready > 0 ? [' · ', el('span', { class: 'badge verdict-ready' }, 'ready'), ' ' + plural(ready, 'route can move on', 'routes can move on')] : null,
      attention > 0 ? [' · ', el('span', { class: 'badge verdict-attention' }, 'attention'), ' ' + plural(attention, 'route needs a look', 'routes need a look')] : null);
  }

  function stageCell(route) {
    const cell = el('td', { data: { col: 'stage' } }, el('span', { class: 'badge stage-' + route.stage }, route.stage));
    let detail;
    switch (route.stage) {
      case 'canary':
        detail = percent(share, route.percent) + ' of users to ' + route.backend + ', the rest to ' + route.legacyBackend;
        break;
      case 'shadow':
        detail = 'served by ' + route.legacyBackend + '; ' + percent(share, route.percent) + ' copied to ' + route.backend;
        break;
      case 'migrated':
        detail = 'all to ' + route.backend;
        break;
      default:
        detail = 'all to ' + route.legacyBackend + (route.backend !== route.legacyBackend ? '; next: ' + route.backend : '');
    }
    append(cell, [el('div', { class: 'detail', data: { field: 'stage-detail' } }, detail)]);
    if (route.fallback) {
      append(cell, [el('div', { class: 'detail muted' }, 'falls back to ' + route.fallback)]);
    }
    return cell;
  }

  // The route's own backend first, then legacy, then any other (a fallback), each with a steady colour.
  function backendOrder(route, shares) {
    const names = Object.keys(shares);
    const rank = (name) => (name === route.backend ? 0 : name === route.legacyBackend ? 1 : 2);
    return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  function backendClass(route, name) {
    if (name === route.backend && route.backend !== route.legacyBackend) {
      return 'seg-new';
    }
    return name === route.legacyBackend ? 'seg-legacy' : 'seg-other';
  }

  function trafficCell(route) {
    const live = route.live;
    const shares = live.sharePercentByBackend || {};
    const cell = el('td', { data: { col: 'traffic' } });
    if (!live.requestsLastMinute) {
      append(cell, [el('div', { class: 'figure muted' }, '0'),
        el('div', { class: 'detail muted' }, 'no requests in the last minute')]);
      return cell;
    }
    const names = backendOrder(route, shares).filter((name) => shares[name] > 0);
    const bar = el('div', { class: 'bar', role: 'img',
      'aria-label': names.map((name) => name + ' ' + percent(share, shares[name])).join(', ') });
    for (const name of names) {
      const segment = el('span', { class: 'seg ' + backendClass(route, name) });
      segment.style.setProperty('width', shares[name] + '%');
      bar.append(segment);
    }
    append(cell, [
      el('div', { class: 'figure' }, integer.format(live.requestsLastMinute),
        el('span', { class: 'unit' }, live.requestsLastMinute === 1 ? ' request' : ' requests')),
      bar,
      el('div', { class: 'legend' }, names.map((name) => el('span', { class: 'legend-item', data: { backend: name } },
        el('span', { class: 'swatch ' + backendClass(route, name) }), name + ' ' + percent(share, shares[name]))))
    ]);
    return cell;
  }

  function errorCell(route) {
    const live = route.live;
    const value = live.requestsLastMinute ? live.errorRatePercent : 0;
    return el('td', { data: { col: 'errors' } },
      el('div', { class: 'figure' + (value > 1 ? ' bad' : live.requestsLastMinute ? '' : ' muted') },
        live.requestsLastMinute ? percent(rate, value) : '—'));
  }

  function fallbackCell(route) {
    const n = route.live.fallbacks;
    return el('td', { data: { col: 'fallbacks' } }, el('div', { class: 'figure' + (n > 0 ? ' warn' : ' muted') }, integer.format(n)));
  }

  function parityCell(route) {
    const s = route.live.shadow;
    const cell = el('td', { data: { col: 'parity' } });
    if (!s.compared || s.parityPercent === null || s.parityPercent === undefined) {
      append(cell, [el('div', { class: 'figure muted', data: { field: 'parity' } }, '—'),
        el('div', { class: 'detail muted' }, route.stage === 'shadow' ? 'no comparisons yet' : 'not shadowed')]);
    } else {
      append(cell, [
        el('div', { class: 'figure' + (s.mismatched > 0 ? ' warn' : ' good'), data: { field: 'parity' } },
          parityText(s.parityPercent, s.mismatched)),
        el('div', { class: 'detail', data: { field: 'matched' } },
          integer.format(s.matched) + ' of ' + integer.format(s.compared) + ' matched')
      ]);
    }
    const lost = [];
    if (s.dropped > 0) {
      lost.push(integer.format(s.dropped) + ' dropped');
    }
    if (s.failed > 0) {
      lost.push(integer.format(s.failed) + ' failed');
    }
    if (lost.length > 0) {
      append(cell, [el('div', { class: 'detail muted', title: 'copies not compared: queue full, or the shadow backend failed' },
        lost.join(' · '))]);
    }
    return cell;
  }

  function adviceCell(route) {
    if (!route.advice) {
      return el('td', { data: { col: 'advice' } }, el('span', { class: 'muted' }, '—'));
    }
    return el('td', { data: { col: 'advice' } },
      el('span', { class: 'badge verdict-' + route.advice.verdict }, route.advice.verdict),
      el('div', { class: 'advice-text' }, route.advice.message));
  }

  // The header names the routes file; a route shows only the file's name and its line, the full path on hover.
  function routeCell(route) {
    const methods = route.methods || [];
    const location = route.location
      ? el('span', { class: 'mono', title: route.location }, String(route.location).split('/').pop())
      : null;
    return el('td', { data: { col: 'route' } },
      el('div', { class: 'route-id' }, route.id),
      el('div', { class: 'paths mono' }, (route.paths || []).join('  ')),
      el('div', { class: 'detail muted' }, methods.length === 1 && methods[0] === '*' ? 'all methods' : methods.join(' '),
        location ? ' · ' : null, location));
  }

  function value(v) {
    return v === null || v === undefined ? el('span', { class: 'muted' }, '(absent)') : String(v);
  }

  function samplesRow(route) {
    const samples = route.live.shadow.recentMismatches || [];
    if (samples.length === 0) {
      return null;
    }
    const details = el('details', { class: 'samples', data: { route: route.id } },
      el('summary', null, plural(samples.length, 'recent mismatch', 'recent mismatches') + ', newest first'),
      samples.map((sample) => el('div', { class: 'sample' },
        el('div', { class: 'sample-head' },
          el('span', { class: 'muted' }, utc(sample.at)), ' ',
          el('span', { class: 'mono' }, sample.method + ' ' + sample.path), ' ',
          el('span', { class: 'muted' }, 'status ' + sample.primaryStatus + ' (primary) / ' + sample.shadowStatus + ' (shadow)')),
        el('table', { class: 'diff' },
          el('thead', null, el('tr', null, el('th', null, 'Where'), el('th', null, 'Primary'), el('th', null, 'Shadow'))),
          el('tbody', null, (sample.differences || []).map((d) => el('tr', null,
            el('td', { class: 'mono' }, d.where), el('td', { class: 'mono' }, value(d.primary)), el('td', { class: 'mono' }, value(d.shadow)))))))));
    details.open = openSamples.has(route.id);
    details.addEventListener('toggle', () => {
      if (details.open) {
        openSamples.add(route.id);
      } else {
        openSamples.delete(route.id);
      }
    });
    return el('tr', { class: 'samples-row' }, el('td', { colspan: 7 }, details));
  }

  const SVG = 'http://www.w3.org/2000/svg';
  const CHART = { width: 300, height: 72, pad: 6 };

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, v] of Object.entries(attributes || {})) {
      node.setAttribute(name, String(v));
    }
    return node;
  }

  function ms(v) {
    return v === null || v === undefined ? '—' : rate.format(v) + ' ms';
  }

  function signedMs(v) {
    return v === null || v === undefined ? '—' : (v > 0 ? '+' : '') + rate.format(v) + ' ms';
  }

  // p50 and p99 of each backend side by side, over the last minutes; the new one against legacy is the evidence.
  function latencyBlock(route) {
    const latency = route.live.latency || { byBackend: {} };
    const rows = Object.entries(latency.byBackend || {}).filter(([, f]) => f.requests > 0);
    const block = el('div', { class: 'latency', data: { field: 'latency' } },
      el('h3', null, 'Latency, last ' + latency.windowMinutes + ' min'));
    if (rows.length === 0) {
      append(block, [el('div', { class: 'detail muted' }, 'no requests')]);
    } else {
      append(block, [el('table', { class: 'latency-table' },
        el('thead', null, el('tr', null, el('th', null, 'Backend'), el('th', null, 'p50'), el('th', null, 'p99'), el('th', null, 'Requests'))),
        el('tbody', null, rows.map(([name, f]) => el('tr', { data: { backend: name, role: f.role } },
          el('td', null, el('span', { class: 'swatch ' + backendClass(route, name) }), name,
            f.role === 'other' ? null : el('span', { class: 'muted' }, ' (' + f.role + ')')),
          el('td', { class: 'num', data: { q: 'p50' } }, ms(f.p50Ms)),
          el('td', { class: 'num', data: { q: 'p99' } }, ms(f.p99Ms)),
          el('td', { class: 'num muted' }, integer.format(f.requests))))))]);
    }
    const diff = route.live.shadow.latencyDifference;
    if (diff && diff.compared > 0) {
      append(block, [el('div', { class: 'detail', data: { field: 'shadow-latency' } },
        'Shadow against primary: ' + signedMs(diff.p50Ms) + ' at p50, ' + signedMs(diff.p99Ms) + ' at p99, over '
        + plural(diff.compared, 'compared copy', 'compared copies'))]);
    }
    return block;
  }

  function line(points, key, cls) {
    const n = points.length;
    const x = (i) => CHART.pad + (i * (CHART.width - 2 * CHART.pad)) / Math.max(1, n - 1);
    const y = (v) => CHART.pad + ((100 - Math.max(0, Math.min(100, v))) * (CHART.height - 2 * CHART.pad)) / 100;
    const segments = [];
    let current = [];
    points.forEach((p, i) => {
      const v = p[key];
      if (v === null || v === undefined) {
        if (current.length) {
          segments.push(current);
          current = [];
        }
      } else {
        current.push(x(i).toFixed(1) + ',' + y(v).toFixed(1));
      }
    });
    if (current.length) {
      segments.push(current);
    }
    // A dot for every minute with a value, joined by a line where minutes follow one another.
    return segments.flatMap((pts) => [
      pts.length > 1 ? svg('polyline', { class: 'line ' + cls, points: pts.join(' ') }) : null,
      ...pts.map((pt) => svg('circle', { class: 'dot ' + cls, cx: pt.split(',')[0], cy: pt.split(',')[1], r: 2.2 }))
    ].filter(Boolean));
  }

  // Share of the new backend, error rate and parity per minute over the last 30 minutes, each 0 to 100%.
  function historyBlock(route) {
    const history = route.live.history || { points: [] };
    const points = history.points || [];
    const chart = svg('svg', { class: 'chart', viewBox: '0 0 ' + CHART.width + ' ' + CHART.height, role: 'img',
      'aria-label': 'new backend share, error rate and shadow parity per minute, last ' + history.minutes + ' minutes' });
    chart.append(svg('rect', { class: 'chart-frame', x: 0.5, y: 0.5, width: CHART.width - 1, height: CHART.height - 1 }));
    for (const v of [50]) {
      const yv = CHART.pad + ((100 - v) * (CHART.height - 2 * CHART.pad)) / 100;
      chart.append(svg('line', { class: 'grid', x1: 0, x2: CHART.width, y1: yv, y2: yv }));
    }
    const newRole = route.backend !== route.legacyBackend;
    for (const node of [newRole ? line(points, 'newSharePercent', 'line-share') : [], line(points, 'errorRatePercent', 'line-errors'),
      line(points, 'parityPercent', 'line-parity')].flat()) {
      chart.append(node);
    }
    const last = [...points].reverse().find((p) => p.requests > 0 || p.compared > 0);
    return el('figure', { class: 'history', data: { field: 'history' } },
      el('h3', null, 'Last ' + history.minutes + ' min, per minute'),
      chart,
      el('figcaption', { class: 'legend' },
        newRole ? el('span', { class: 'legend-item' }, el('span', { class: 'swatch line-share' }), 'share to ' + route.backend) : null,
        el('span', { class: 'legend-item' }, el('span', { class: 'swatch line-errors' }), 'errors'),
        el('span', { class: 'legend-item' }, el('span', { class: 'swatch line-parity' }), 'parity'),
        el('span', { class: 'muted' }, ' 0–100%' + (last ? ' · last: ' + [
          newRole && last.newSharePercent !== null ? percent(share, last.newSharePercent) + ' share' : null,
          last.errorRatePercent !== null ? percent(rate, last.errorRatePercent) + ' errors' : null,
          last.parityPercent !== null ? percent(share, last.parityPercent) + ' parity' : null].filter(Boolean).join(', ') : ''))));
  }

  function evidenceRow(route) {
    const points = (route.live.history && route.live.history.points) || [];
    if (!points.some((p) => p.requests > 0 || p.compared > 0)) {
      return null;
    }
    return el('tr', { class: 'evidence-row' }, el('td', { colspan: 7 },
      el('div', { class: 'evidence', data: { route: route.id } }, latencyBlock(route), historyBlock(route))));
  }

  function renderRoutes(routes) {
    const table = byId('routes');
    for (const body of Array.from(table.tBodies)) {
      body.remove();
    }
    for (const route of routes) {
      const attention = route.advice && route.advice.verdict === 'attention';
      const body = el('tbody', { class: 'route' + (route.advice ? '' : ' default-route') + (attention ? ' attention' : ''),
        data: { route: route.id } },
        el('tr', null, routeCell(route), stageCell(route), trafficCell(route), errorCell(route), fallbackCell(route),
          parityCell(route), adviceCell(route)),
        evidenceRow(route),
        samplesRow(route));
      table.append(body);
      if (scrollPending && route.id === linked) {
        scrollPending = false;
        body.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  function render(data) {
    renderTableInfo(data);
    renderReloadError(data);
    renderSummary(data.routes || []);
    renderRoutes(data.routes || []);
  }

  function connected() {
    lastUpdate = new Date();
    document.body.classList.remove('stale');
    byId('status').className = 'status live';
    setText('status-text', 'Live · updated ' + clock(lastUpdate) + ' · refreshes every 2 s');
    const banner = byId('connection-error');
    banner.hidden = true;
    banner.replaceChildren();
  }

  function disconnected(reason) {
    document.body.classList.add('stale');
    byId('status').className = 'status lost';
    setText('status-text', 'Not updating · retrying every 2 s');
    const banner = byId('connection-error');
    banner.replaceChildren(el('p', null, 'Cannot read /actuator/migration (' + reason + '). '
      + (lastUpdate ? 'The figures below are from ' + clock(lastUpdate) + '.' : 'No figures yet.')));
    banner.hidden = false;
  }

  async function refresh() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch('migration', { headers: { Accept: 'application/json' }, cache: 'no-store', signal: abort.signal });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      render(await response.json());
      connected();
    } catch (e) {
      disconnected(e.name === 'AbortError' ? 'no answer within 5 s' : e.message);
    } finally {
      clearTimeout(timer);
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
