// The phonenumbers mock's dashboard. It reads and changes the mock through its control
// API (openapi/control.yaml), relative to this page: /mock/ui/ talks to /mock/..., and
// /NAME/mock/ui/ to /NAME/mock/.... Everything it shows from the server is set as text,
// never as markup. On a keyed server it signs each request here, with Web Crypto's
// HMAC-SHA256; the key is imported as a non-extractable CryptoKey and the text of it
// dropped at once: it is never sent, stored or shown.
'use strict';

(() => {
  const MAX_ROWS = 1000;        // journal entries the page keeps (the DOM stays bounded)
  const MAX_PAGES = 10;         // pages of operations read (1000 each)
  const MAX_EVENT_BYTES = 8 << 20;
  const REFRESH_MS = 30000;     // others (the CLI, other pages) change operations unseen
  const UNITS = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

  const $ = (sel) => document.querySelector(sel);
  const base = new URL('../', location.href); // the control API: /mock/ or /NAME/mock/
  const enc = new TextEncoder();

  let signingKey = null; // CryptoKey, not extractable
  let keyVersion = 0;    // changes with the key: a refused stream waits for a new one
  let cursor = '';       // the journal stream's last event id
  let journal = [];      // entries kept, oldest first
  let streamAbort = null;

  // visible shows the characters that reorder or hide text (bidirectional controls, zero
  // width marks) as escapes: an id "x\u202eevil" must not read "xlive".
  const hidden = /[\p{Cf}\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;
  const visible = (s) => String(s).replace(hidden, (c) => {
    const cp = c.codePointAt(0);
    return cp > 0xffff ? '\\u{' + cp.toString(16) + '}' : '\\u' + cp.toString(16).padStart(4, '0');
  });

  // el builds an element; string children become text nodes, never markup.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = visible(v);
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : (k.startsWith('data-') ? String(v) : visible(v)));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === 'string' ? document.createTextNode(visible(c)) : c);
    }
    return e;
  }

  function say(target, text, isError) {
    const p = $(target);
    p.textContent = text || '';
    p.classList.toggle('error', !!isError);
  }

  // --- signing -------------------------------------------------------------------------

  const b64 = (buf) => {
    let s = '';
    for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
    return btoa(s);
  };

  function b64decode(text) {
    const bin = atob(text.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // signedHeaders signs a request as the Azure SDKs do: the method, the path and query as
  // sent, the date, the host and the body's SHA-256.
  async function signedHeaders(method, url, body) {
    if (!signingKey) return {};
    const date = new Date().toUTCString();
    const hash = b64(await crypto.subtle.digest('SHA-256', enc.encode(body)));
    const toSign = method + '\n' + url.pathname + url.search + '\n' + date + ';' + url.host + ';' + hash;
    const sig = b64(await crypto.subtle.sign('HMAC', signingKey, enc.encode(toSign)));
    return {
      'x-ms-date': date,
      'x-ms-content-sha256': hash,
      'Authorization': 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=' + sig,
    };
  }

  async function useKey(text) {
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) throw new Error(secureContextNote);
    let raw;
    try {
      raw = b64decode(text);
    } catch {
      throw new Error('That is not base64: copy the key as the server was given it (PHONENUMBERS_ACCESS_KEY or --access-key).');
    }
    if (raw.length === 0) throw new Error('The key is empty.');
    signingKey = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    raw.fill(0);
    keyVersion++;
  }

  // --- the control API -----------------------------------------------------------------

  class APIError extends Error {
    constructor(status, message, details) {
      super(message);
      this.status = status;
      this.details = details || [];
    }
  }

  // call sends a (signed) request to the control API; path is relative to /mock/.
  async function call(method, path, opts = {}) {
    const url = path instanceof URL ? path : new URL(path, base);
    if (url.origin !== location.origin) throw new APIError(0, 'refused a link to another server: ' + url.origin);
    const body = opts.body || '';
    const headers = await signedHeaders(method, url, body);
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    const res = await fetch(url, {
      method, headers, signal: opts.signal, cache: 'no-store', credentials: 'omit',
      body: method === 'GET' ? undefined : body,
    });
    if (res.ok) return res;
    const err = await errorOf(res);
    if (res.status === 401) askForKey(err.message);
    throw err;
  }

  // errorOf reads a CommunicationErrorResponse.
  async function errorOf(res) {
    let message = 'HTTP ' + res.status;
    let details = [];
    try {
      const body = await res.json();
      if (body && body.error) {
        message = body.error.message || message;
        details = (body.error.details || []).map((d) => d.message).filter(Boolean);
      }
    } catch { /* not JSON: the status says it */ }
    return new APIError(res.status, message, details);
  }

  function askForKey(message) {
    $('#key').hidden = false;
    $('#key-toggle').hidden = false;
    setStreamState('locked', 'needs the key');
    if (signingKey) say('#key-message', 'The key was refused: ' + message, true);
    else if (!window.isSecureContext) say('#key-message', secureContextNote, true);
    $('#key-input').focus();
  }

  const secureContextNote = 'This browser offers Web Crypto, which signs, only to pages served over HTTPS or from localhost: ' +
    'open the dashboard at 127.0.0.1 or localhost (' + location.pathname + ' on the same port), or serve with --tls-cert and --tls-key.';

  // --- operations ----------------------------------------------------------------------

  async function loadOperations() {
    let url = new URL('operations?limit=1000', base);
    const states = [];
    for (let page = 0; page < MAX_PAGES && url; page++) {
      const res = await call('GET', url);
      const body = await res.json();
      states.push(...(body.operations || []));
      url = body.nextLink ? new URL(body.nextLink) : null;
    }
    renderOperations(states, url !== null);
  }

  async function refreshOperations() {
    try {
      await loadOperations();
    } catch (e) {
      if (e.status !== 401) say('#ops-message', 'Could not list the operations: ' + e.message, true);
    }
  }

  let refreshTimer = null;
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => { refreshTimer = null; refreshOperations(); }, 200);
  }

  function renderOperations(states, more) {
    $('#ops-count').textContent = '(' + states.length + (more ? '+' : '') + ')';
    const list = $('#ops-list');
    list.replaceChildren(...states.map(renderOperation));
    if (states.length === 0) list.append(el('p', { class: 'message', text: 'No operations are stored: create some, or reset to the start-up set.' }));
    scheduleStepRefresh(states);
  }

  // A time-based step is reached without a request: re-read the list when the next one is
  // due, rather than polling the server all along.
  let stepTimer = null;
  function scheduleStepRefresh(states) {
    clearTimeout(stepTimer);
    const now = Date.now();
    let due = Infinity;
    for (const st of states) {
      const stored = Date.parse(st.storedAt);
      (st.operation.timeline || []).forEach((step, i) => {
        const at = stored + goDuration(step.after);
        if (i > st.step && step.after && at > now) due = Math.min(due, at);
      });
    }
    if (due !== Infinity) stepTimer = setTimeout(refreshOperations, Math.min(due - now + 50, 2 ** 31 - 1));
  }

  // goDuration reads a Go duration ("1.5s", "2m30s", "800ms") in milliseconds; 0 if none.
  function goDuration(text) {
    let ms = 0;
    for (const [, n, unit] of String(text || '').matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) ms += parseFloat(n) * UNITS[unit];
    return ms;
  }

  function renderOperation(st) {
    const op = st.operation;
    const status = st.current && st.current.status;
    const head = el('div', { class: 'op-head' },
      el('span', { class: 'op-id', text: op.id }),
      el('span', { class: 'badge s-' + status, text: status }),
      el('span', { class: 'op-meta', text: op.operationType + ' · ' + st.polls + (st.polls === 1 ? ' poll' : ' polls') }),
      el('span', { class: 'op-actions' },
        el('button', { type: 'button', class: 'show-journal', onclick: () => { $('#filter-op').value = op.id; renderJournal(); } }, 'Journal'),
        el('button', { type: 'button', class: 'delete danger', onclick: () => deleteOperation(op.id) }, 'Delete')));
    const steps = (op.timeline || []).map((step, i) => el('li', {
      class: 'step ' + (i < st.step ? 'done' : i === st.step ? 'current' : 'todo'),
      'aria-current': i === st.step ? 'step' : null,
      title: step.error ? (step.error.code + ': ' + step.error.message) : null,
    }, el('span', { class: 's-' + step.status, text: step.status }), el('small', { text: stepCondition(step) })));
    const faults = (op.faults || []).map((f, i) => {
      const state = (st.faults || [])[i] || { fired: 0 };
      const pending = state.remaining > 0 || (f.rate !== undefined && f.rate > 0);
      return el('li', { class: pending ? 'pending' : null }, describeFault(f) + ' · ' + describeFaultState(f, state));
    });
    if (st.serverFaults) faults.push(el('li', null, st.serverFaults === 1 ? '1 server-wide fault rule applies after these' : st.serverFaults + ' server-wide fault rules apply after these'));
    return el('article', { class: 'op', 'data-id': op.id, 'data-step': st.step },
      head,
      el('ol', { class: 'timeline', 'aria-label': 'timeline' }, ...steps),
      faults.length ? el('ul', { class: 'faults', 'aria-label': 'faults' }, ...faults) : null);
  }

  function stepCondition(step) {
    if (step.after) return 'after ' + step.after;
    if (step.afterPolls) return 'after ' + step.afterPolls + (step.afterPolls === 1 ? ' poll' : ' polls');
    return 'at once';
  }

  function describeFault(f) {
    const what = [];
    if (f.status) what.push('status ' + f.status + (f.retryAfter !== undefined ? ' (Retry-After ' + f.retryAfter + ')' : ''));
    if (f.delay) what.push('delay ' + (typeof f.delay === 'string' ? f.delay : f.delay.min + '–' + f.delay.max));
    if (f.drop) what.push('drop ' + f.drop);
    const when = f.requests ? (f.requests.length === 1 ? 'request ' : 'requests ') + f.requests.join(', ') : f.rate !== undefined ? Math.round(f.rate * 100) + '% of requests' : '';
    return what.join(', ') + (when ? ' on ' + when : '');
  }

  function describeFaultState(f, state) {
    const fired = 'fired ' + state.fired;
    if (state.remaining !== undefined) return fired + ', ' + state.remaining + ' to come';
    return fired;
  }

  async function deleteOperation(id) {
    try {
      await call('DELETE', 'operations/' + encodeURIComponent(id));
      say('#ops-message', 'Deleted ' + id + '.');
    } catch (e) {
      say('#ops-message', 'Could not delete ' + id + ': ' + e.message, true);
    }
    refreshOperations();
  }

  async function resetMock() {
    try {
      await call('POST', 'reset');
      say('#ops-message', 'Reset: the start-up operations are back, every timeline restarted, the journal cleared.');
    } catch (e) {
      say('#ops-message', 'Could not reset: ' + e.message, true);
    }
    refreshOperations();
  }

  async function createFromFixture(ev) {
    ev.preventDefault();
    const text = $('#fixture').value;
    if (!text.trim()) {
      say('#ops-message', 'Paste a fixtures document first.', true);
      return;
    }
    try {
      const res = await call('POST', 'fixtures', { body: text, contentType: 'application/yaml' });
      const body = await res.json();
      const ids = (body.operations || []).map((s) => s.operation.id);
      say('#ops-message', 'Stored ' + ids.length + (ids.length === 1 ? ' operation: ' : ' operations: ') + ids.join(', ') + '.');
    } catch (e) {
      // Several problems: each on a line (the message repeats them all on one).
      say('#ops-message', e.details.length > 1 ? 'Invalid fixtures:\n' + e.details.join('\n') : e.message, true);
    }
    refreshOperations();
  }

  // --- the journal ---------------------------------------------------------------------

  function setStreamState(state, text) {
    const s = $('#stream-state');
    s.dataset.state = state;
    s.textContent = text || state;
  }

  // follow reads GET /mock/journal/events for as long as the page is open, resuming from
  // the last event id after each end (the server ends a stream after a while).
  async function follow() {
    let pause = 500;
    for (;;) {
      streamAbort = new AbortController();
      try {
        const q = cursor ? '?after=' + encodeURIComponent(cursor) : '';
        const res = await call('GET', 'journal/events' + q, { signal: streamAbort.signal });
        setStreamState('live');
        say('#journal-message', '');
        pause = 500;
        await readEvents(res.body);
        if ($('#stream-state').dataset.state === 'live') setStreamState('reconnecting');
      } catch (e) {
        if (e.status === 401) { // wait for a (new) key
          const v = keyVersion;
          while (keyVersion === v) await new Promise((r) => setTimeout(r, 300));
          continue;
        }
        if (e.name !== 'AbortError') {
          setStreamState('reconnecting');
          say('#journal-message', 'The live journal is interrupted (' + e.message + '); reconnecting.', true);
        }
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10000);
    }
  }

  async function readEvents(stream) {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        handleEvent(buf.slice(0, i));
        buf = buf.slice(i + 2);
      }
      if (buf.length > MAX_EVENT_BYTES) throw new Error('an event was larger than ' + MAX_EVENT_BYTES + ' bytes');
    }
  }

  function handleEvent(block) {
    let id = null, event = 'message', data = '';
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
    }
    if (id !== null) cursor = id;
    if (event === 'clear') {
      journal = [];
      renderJournal();
    } else if (event === 'entries') {
      addEntries(JSON.parse(data).entries || []);
    } else if (event === 'error') {
      let msg = 'the journal could not be read';
      try { msg = JSON.parse(data).error.message; } catch { /* keep the default */ }
      say('#journal-message', msg, true);
    }
  }

  function addEntries(entries) {
    journal.push(...entries);
    if (journal.length > MAX_ROWS) journal = journal.slice(journal.length - MAX_ROWS);
    const rows = $('#journal-rows');
    const match = journalFilter();
    for (const e of entries) {
      if (match(e)) rows.prepend(journalRow(e, true));
    }
    while (rows.childElementCount > MAX_ROWS) rows.lastElementChild.remove();
    countJournal();
    if (entries.some((e) => operationOf(e.path))) refreshSoon(); // polls moved timelines
  }

  function operationOf(path) {
    const prefix = '/phoneNumbers/operations/';
    if (!path.startsWith(prefix)) return '';
    const rest = path.slice(prefix.length);
    return rest.includes('/') ? '' : rest;
  }

  function journalFilter() {
    const op = $('#filter-op').value.trim().toLowerCase();
    const status = $('#filter-status').value;
    const method = $('#filter-method').value;
    return (e) => (!op || operationOf(e.path).toLowerCase().includes(op)) &&
      (status === '' || (status === '0' ? e.status === 0 : e.status !== 0 && String(e.status)[0] === status)) &&
      (!method || e.method.toUpperCase() === method || (method === 'other' && !['GET', 'DELETE', 'POST', 'PUT', 'HEAD'].includes(e.method.toUpperCase())));
  }

  function renderJournal() {
    const match = journalFilter();
    const rows = journal.filter(match).reverse().map((e) => journalRow(e, false));
    $('#journal-rows').replaceChildren(...rows);
    countJournal();
  }

  function countJournal() {
    const shown = $('#journal-rows').childElementCount;
    $('#journal-count').textContent = shown === journal.length ? '(' + shown + ')' : '(' + shown + ' of ' + journal.length + ')';
  }

  function journalRow(e, isNew) {
    const t = new Date(e.time);
    const time = isNaN(t) ? e.time : t.toLocaleTimeString([], { hour12: false }) + '.' + String(t.getMilliseconds()).padStart(3, '0');
    const h = e.headers || {};
    return el('tr', { class: isNew ? 'new' : null, 'data-status': e.status, 'data-operation': operationOf(e.path) },
      el('td', { text: time, title: e.time }),
      el('td', { text: e.method }),
      el('td', { class: 'path', text: e.path + (e.query ? '?' + e.query : '') }),
      el('td', { class: 'st' + String(e.status)[0], text: e.status === 0 ? 'dropped' : String(e.status) }),
      el('td', { text: e.fault || '' }),
      el('td', { text: e.authScheme || 'none' }),
      el('td', { text: h['user-agent'] || '', title: (h['user-agent'] || '') + (h['x-ms-client-request-id'] ? '\nx-ms-client-request-id: ' + h['x-ms-client-request-id'] : '') }));
  }

  async function clearJournal() {
    try {
      await call('DELETE', 'journal');
    } catch (e) {
      say('#journal-message', 'Could not clear the journal: ' + e.message, true);
    }
  }

  // --- start ---------------------------------------------------------------------------

  function start() {
    $('#where').textContent = base.pathname.replace(/mock\/$/, '') === '/' ? location.host : location.host + base.pathname.replace(/\/mock\/$/, '');
    $('#refresh').addEventListener('click', refreshOperations);
    $('#reset').addEventListener('click', resetMock);
    $('#create-toggle').addEventListener('click', () => {
      const form = $('#create');
      form.hidden = !form.hidden;
      $('#create-toggle').setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) $('#fixture').focus();
    });
    $('#create').addEventListener('submit', createFromFixture);
    $('#journal-clear').addEventListener('click', clearJournal);
    for (const id of ['#filter-op', '#filter-status', '#filter-method']) $(id).addEventListener('input', renderJournal);
    $('#key-toggle').addEventListener('click', () => { $('#key').hidden = !$('#key').hidden; });
    $('#key-forget').addEventListener('click', () => {
      signingKey = null;
      keyVersion++;
      $('#ops-list').replaceChildren();
      $('#ops-count').textContent = '';
      journal = [];
      renderJournal();
      say('#key-message', 'The key is forgotten.');
      if (streamAbort) streamAbort.abort();
    });
    $('#key-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const input = $('#key-input');
      const text = input.value;
      input.value = '';
      try {
        await useKey(text);
      } catch (e) {
        say('#key-message', e.message, true);
        return;
      }
      say('#key-message', 'Signing with the key entered (kept in this page only).');
      $('#key').hidden = true;
      setStreamState('connecting');
      if (streamAbort) streamAbort.abort();
      refreshOperations();
    });
    refreshOperations();
    setInterval(() => { if (!document.hidden && $('#stream-state').dataset.state !== 'locked') refreshOperations(); }, REFRESH_MS);
    follow();
  }

  start();
})();
