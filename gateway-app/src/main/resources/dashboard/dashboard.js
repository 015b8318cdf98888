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
