// The imagesearch page: talks to the JSON API of the same server (docs/API.md). Every text from the server is set
// with textContent, never as HTML, so a file named like markup is shown as text.
'use strict';

const state = { query: null, stats: null, token: sessionStorage.getItem('imagesearch-token') || '' };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

async function api(path, options) {
  const opts = Object.assign({ headers: {} }, options || {});
  if (state.token) opts.headers.Authorization = 'Bearer ' + state.token;
  const res = await fetch(path, opts);
  if (res.status === 401) $('token-row').hidden = false;
  if (!res.ok) {
    let message = res.status + ' ' + res.statusText;
    try { message = (await res.json()).error; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return res;
}

// Thumbnails: a plain src without a token; with one, fetched with the header and shown from a blob: URL.
function image(url, alt) {
  const img = el('img', { alt: alt, loading: 'lazy' });
  if (!state.token) {
    img.src = url;
  } else {
    api(url).then((r) => r.blob()).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => {});
  }
  return img;
}

function say(id, text, isError) {
  $(id).textContent = text;
  $(id).classList.toggle('error', !!isError);
}

// ---- views (tabs) ----
const tabs = ['search', 'duplicates', 'status'];
function show(name) {
  for (const t of tabs) {
    const on = t === name;
    $('tab-' + t).setAttribute('aria-selected', String(on));
    $('tab-' + t).tabIndex = on ? 0 : -1;
    $('view-' + t).hidden = !on;
  }
  if (name === 'status') loadStatus();
}
tabs.forEach((t, i) => {
  $('tab-' + t).addEventListener('click', () => show(t));
  $('tab-' + t).addEventListener('keydown', (ev) => {
    const step = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
    if (step) {
      const next = tabs[(i + step + tabs.length) % tabs.length];
      show(next);
      $('tab-' + next).focus();
    }
  });
});

// ---- status ----
async function loadStats() {
  state.stats = await (await api('/api/stats')).json();
  const model = $('model');
  model.replaceChildren();
  if (state.stats.models.length > 1) model.append(el('option', { value: '', text: 'All models, fused' }));
  for (const m of state.stats.models) model.append(el('option', { value: m.name, text: m.name }));
  $('fusion-row').hidden = state.stats.models.length < 2;
  const list = await (await api('/api/images?limit=1000')).json();
  const pick = $('pick');
  pick.replaceChildren(el('option', { value: '', text: '(choose one)' }));
  for (const im of list.images) pick.append(el('option', { value: im.id, text: im.name }));
}

async function loadStatus() {
  try {
    const s = await (await api('/api/stats')).json();
    const table = el('table', {}, el('caption', { text: 'Models' }),
      el('tr', {}, el('th', { text: 'model' }), el('th', { text: 'dimension' }), el('th', { text: 'metric' }),
        el('th', { text: 'vectors' })));
    for (const m of s.models) {
      table.append(el('tr', {}, el('td', { text: m.name }), el('td', { text: String(m.dimension) }),
        el('td', { text: m.metric }), el('td', { text: String(m.vectors) })));
    }
    const dl = el('dl', {}, el('dt', { text: 'images' }), el('dd', { text: String(s.images), id: 'status-images' }));
    for (const [role, what] of Object.entries(s.backends)) dl.append(el('dt', { text: role }), el('dd', { text: what }));
    dl.append(el('dt', { text: 'upload limit' }),
      el('dd', { text: (s.uploadLimits.maxBytes / 1048576).toFixed(0) + ' MiB, ' +
        (s.uploadLimits.maxPixels / 1e6).toFixed(0) + ' megapixels' }));
    $('status').replaceChildren(dl, table);
  } catch (e) {
    $('status').replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

// ---- search ----
function params() {
  const p = new URLSearchParams({ k: $('k').value || '10' });
  if ($('model').value) p.set('model', $('model').value); else p.set('fusion', $('fusion').value);
  return p;
}

async function runSearch() {
  if (!state.query) return;
  say('message', 'Searching…');
  try {
    const res = state.query.file
      ? await api('/api/search?' + params(), { method: 'POST', body: state.query.file,
        headers: { 'Content-Type': state.query.file.type || 'application/octet-stream' } })
      : await api('/api/images/' + state.query.id + '/similar?' + params());
    render(await res.json());
    say('message', '');
  } catch (e) {
    $('results').replaceChildren();
    say('message', e.message, true);
  }
}

function setQuery(q) {
  state.query = q;
  const label = q.file ? (q.file.name || 'pasted image') : q.name;
  const img = q.file ? el('img', { alt: 'Query: ' + label }) : image('/api/images/' + q.id + '/thumbnail', 'Query: ' + label);
  if (q.file) img.src = URL.createObjectURL(q.file);
  $('query').replaceChildren(img, el('span', { text: 'Query: ' + label, id: 'query-name' }));
  runSearch();
}

function hitItem(h, detail) {
  const li = el('li', { class: 'hit' + (h.alsoIn && h.alsoIn.length ? ' overlap' : '') });
  const button = el('button', { type: 'button', title: 'Search with ' + h.name },
    image(h.thumbnail, h.name),
    el('div', { class: 'meta' }, el('span', { class: 'rank', text: '#' + h.rank }),
      el('span', { class: 'score', text: h.score.toFixed(4) })),
    el('div', { class: 'name', text: h.name }));
  button.addEventListener('click', () => setQuery({ id: h.id, name: h.name }));
  li.append(button);
  if (detail) li.append(detail);
  return li;
}

function render(data) {
  const out = [];
  if (data.perModel.length === 1) {
    out.push(el('h2', { text: 'Top ' + data.results.length + ' with ' + data.models[0] }));
    out.push(el('ol', { class: 'grid', id: 'hits' }, ...data.results.map((h) => hitItem(h))));
  } else {
    out.push(el('h2', { text: 'Each model side by side (marked: also in another model\u2019s top ' + data.k +
      ') and fused with ' + data.fusion }));
    const cols = el('div', { class: 'columns' });
    for (const m of data.perModel) {
      cols.append(el('section', { class: 'model-column', 'data-model': m.model }, el('h3', { text: m.model }),
        el('ol', { class: 'grid' }, ...m.results.map((h) => hitItem(h, h.alsoIn.length
          ? el('span', { class: 'badge', text: 'also in ' + h.alsoIn.join(', ') }) : null)))));
    }
    cols.append(el('section', { class: 'model-column', 'data-model': 'fused', id: 'fused' },
      el('h3', { text: 'Fused (' + data.fusion + ')' }),
      el('ol', { class: 'grid', id: 'hits' }, ...data.results.map((h) => hitItem(h, el('span', { class: 'badge',
        text: Object.entries(h.models).map(([m, x]) => m + ' #' + x.rank).join(' · ') }))))));
    out.push(cols);
  }
  if (data.failures) {
    for (const [m, why] of Object.entries(data.failures)) out.push(el('p', { class: 'error', text: m + ': ' + why }));
  }
  $('results').replaceChildren(...out);
}

const drop = $('drop-zone');
drop.addEventListener('click', () => $('file-input').click());
drop.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); $('file-input').click(); }
});
drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  const f = ev.dataTransfer && ev.dataTransfer.files[0];
  if (f) setQuery({ file: f });
});
document.addEventListener('paste', (ev) => {
  const item = [...(ev.clipboardData ? ev.clipboardData.items : [])].find((i) => i.type.startsWith('image/'));
  if (item) setQuery({ file: item.getAsFile() });
});
$('file-input').addEventListener('change', (ev) => { if (ev.target.files[0]) setQuery({ file: ev.target.files[0] }); });
$('pick').addEventListener('change', (ev) => {
  if (ev.target.value) setQuery({ id: ev.target.value, name: ev.target.selectedOptions[0].textContent });
});
for (const id of ['k', 'model', 'fusion']) $(id).addEventListener('change', runSearch);

// ---- duplicates ----
$('dup-load').addEventListener('click', async () => {
  say('dup-message', 'Looking for duplicates…');
  try {
    const d = await (await api('/api/duplicates')).json();
    say('dup-message', d.groups.length + ' groups among ' + d.checked + ' images (model ' + d.model +
      ', threshold ' + d.threshold.toFixed(3) + ')');
    $('dup-results').replaceChildren(...d.groups.map((g, i) => el('section', { class: 'group' },
      el('h3', { text: 'Group ' + (i + 1) + ': ' + g.members.length + ' images, scores ' + g.minScore.toFixed(3) +
        '\u2013' + g.maxScore.toFixed(3) }),
      el('ol', {}, ...g.members.map((m) => el('li', { class: m.keep ? 'keep' : '' },
        image(m.thumbnail, m.name),
        el('div', { class: 'name', text: m.name }),
        el('div', { class: 'meta' }, el('span', { text: m.width + '\u00d7' + m.height }),
          el('span', { text: Math.round(m.bytes / 1024) + ' KB' })),
        m.keep ? el('span', { class: 'badge', text: 'keep (suggested)' }) : null))))));
  } catch (e) {
    say('dup-message', e.message, true);
  }
});

// ---- token ----
$('token-save').addEventListener('click', () => {
  state.token = $('token').value.trim();
  sessionStorage.setItem('imagesearch-token', state.token);
  $('token-row').hidden = true;
  start();
});

function start() {
  loadStats().catch((e) => say('message', e.message, true));
}
start();
