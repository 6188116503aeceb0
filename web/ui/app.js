// Shared by every page: the API, the live connection and rendering. Data is only ever put into the page as text
// (textContent, never innerHTML), so names, notes and mail bodies typed by anyone cannot become markup.
const App = {
  me: null,

  // Page text: App.t('deal.lost.title', 'Mark as lost', { name }) — the English text is the fallback (and the neutral
  // resx value); App.strings holds the user's language from the server's resource files once loaded.
  strings: {},
  locale: navigator.language || 'en',
  t(key, english, args) {
    let text = App.strings[key] ?? english ?? key;
    for (const [name, value] of Object.entries(args || {})) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  },

  // The CSRF token every state-changing call sends with the login cookie (fetched once per page, see CsrfProtection).
  csrf: null,

  async csrfToken(fresh) {
    if (!App.csrf || fresh) {
      const response = await fetch('/api/auth/csrf');
      App.csrf = response.ok ? (await response.json()).token : null;
    }
    return App.csrf;
  },

  async api(method, url, body, isForm) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      if (isForm) {
        init.body = body;
      } else {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    const writes = !['GET', 'HEAD'].includes(method) && !url.startsWith('/api/auth/login');
    if (writes) init.headers['X-CSRF-TOKEN'] = await App.csrfToken();
    let response = await fetch(url, init);
    // A token of an earlier login (another tab logged in again): fetch a fresh one and try once more.
    if (writes && response.status === 400 && (await response.clone().text()).includes('Missing or invalid CSRF token')) {
      init.headers['X-CSRF-TOKEN'] = await App.csrfToken(true);
      response = await fetch(url, init);
    }
    if (response.status === 401 && !url.startsWith('/api/auth/login')) {
      location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('not signed in');
    }
    const text = await response.text();
    const data = text && (response.headers.get('content-type') || '').includes('json') ? JSON.parse(text) : text;
    return { ok: response.ok, status: response.status, data };
  },

  // A burst of pushes becomes one refresh at a time: it runs at once when idle; calls that arrive while it runs make
  // one more run after it (at least gapMs after the previous one started), so a busy page never queues a reload per push.
  serial(fn, gapMs = 0) {
    let running = null, again = false;
    return () => {
      if (running) { again = true; return running; }
      running = (async () => {
        try {
          do {
            again = false;
            const started = Date.now();
            await fn();
            if (again && gapMs) await new Promise(r => setTimeout(r, Math.max(0, started + gapMs - Date.now())));
          } while (again);
        } finally { running = null; }
      })();
      return running;
    };
  },

  // Drawing: many changes within one frame are drawn once (a timer backs the frame up when the tab is hidden).
  perFrame(fn) {
    let queued = false;
    return () => {
      if (queued) return;
      queued = true;
      const draw = () => { if (queued) { queued = false; fn(); } };
      requestAnimationFrame(draw);
      setTimeout(draw, 100);
    };
  },

  // Rows kept per key and rebuilt only when their data changed, so a push neither detaches the rows nor wipes what
  // someone is typing or choosing in them.
  keyedRows(body, items, key, build, cache) {
    const seen = new Set();
    const rows = items.map(item => {
      const k = key(item), signature = JSON.stringify(item);
      seen.add(k);
      let entry = cache.get(k);
      if (!entry || entry.signature !== signature) { entry = { signature, row: build(item) }; cache.set(k, entry); }
      return entry.row;
    });
    for (const k of [...cache.keys()]) if (!seen.has(k)) cache.delete(k);
    if (rows.length !== body.children.length || rows.some((row, i) => body.children[i] !== row)) body.replaceChildren(...rows);
  },

  // Page-independent listeners of every push (the call pop-up in calls.js, the notification bell in notify.js).
  pushHooks: [],

  // True when the API lets the signed-in user use the capability (GET /api/auth/me lists them with their scope).
  can(capability) {
    return Boolean(App.me?.capabilities && App.me.capabilities[capability]);
  },

  async start(active) {
    const me = await App.api('GET', '/api/auth/me');
    App.me = me.data;
    App.header(active);
    return App.me;
  },

  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'class') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  },

  header(active) {
    const link = (href, text, key) => App.el('a', { href, class: key === active ? 'active' : '' }, text);
    const links = [link('/board.html', 'Board', 'board'), link('/tasks.html', 'My tasks', 'tasks'), link('/leads.html', 'Leads', 'leads')];
    if (App.me.roles.includes('supervisor') || App.me.roles.includes('admin')) links.push(link('/supervisor.html', 'Supervisor', 'supervisor'));
    links.push(link('/stock.html', 'Stock', 'stock'), link('/orders.html', 'Orders', 'orders'));
    if (['supervisor', 'admin', 'marketer'].some(r => App.me.roles.includes(r))) links.push(link('/analytics.html', 'Analytics', 'analytics'));
    if (App.can('access.admin')) links.push(link('/access.html', 'Access', 'access'));
    links.push(link('/account.html', 'Account', 'account'));
    if (App.can('ops.dashboard')) links.push(link('/ops.html', 'Cluster', 'ops'));
    const live = App.el('span', { class: 'live', id: 'live' }, 'live');
    const logout = App.el('button', { onclick: async () => { await App.api('POST', '/api/auth/logout'); location.href = '/login.html'; } }, 'Log out');
    document.body.prepend(App.el('header', { class: 'top' }, App.el('strong', {}, 'SalesOrleans'), ...links, live,
      App.el('span', { class: 'me' }, `${App.me.displayName} (${App.me.roles.join(', ')}${App.me.department ? ', ' + App.me.department : ''})`), logout));
    App.Bell?.mount(document.querySelector('header.top'), live);
  },

  // Pushes of committed changes; on (re)connect the page reloads what it shows from the read model.
  async live(onChange, onConnected) {
    const connection = new signalR.HubConnectionBuilder().withUrl('/hubs/live').withAutomaticReconnect([0, 1000, 2000, 5000, 10000]).build();
    const indicator = () => document.getElementById('live');
    connection.on('change', (kind, id, seq, json) => {
      const data = JSON.parse(json);
      if (kind === 'call') App.incomingCall?.(data);
      for (const hook of App.pushHooks) hook(kind, id, seq, data);
      onChange(kind, id, seq, data);
    });
    connection.onreconnecting(() => indicator()?.classList.remove('on'));
    connection.onreconnected(async () => { indicator()?.classList.add('on'); await onConnected(); });
    connection.onclose(() => indicator()?.classList.remove('on'));
    await connection.start();
    indicator()?.classList.add('on');
    document.body.dataset.live = 'on';
    return connection;
  },

  duration(since) {
    const minutes = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 60000));
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
  },

  time(value) { return value ? new Date(value).toLocaleString() : ''; },

  money(amount, currency) { return `${Number(amount).toLocaleString(undefined, { maximumFractionDigits: 2 })} ${currency}`; },

  // Moves a deal by hand. A move that would cancel open tasks is refused with the list (409 "openTasks"): the user
  // sees which tasks would be cancelled and confirms, then the move is sent again with cancelOpenTasks.
  async moveDeal(id, body) {
    const result = await App.api('POST', `/api/deals/${id}/moves`, body);
    if (result.ok || result.status !== 409 || !result.data?.openTasks?.length) return result;
    if (!await App.confirmCancel(result.data.openTasks)) return { ok: false, status: 0, data: { detail: 'Not moved: the open tasks stay.' } };
    return App.api('POST', `/api/deals/${id}/moves`, { ...body, cancelOpenTasks: true });
  },

  confirmCancel(tasks) {
    return new Promise(resolve => {
      let host = document.getElementById('modal');
      if (!host) { host = App.el('div', { id: 'modal' }); document.body.append(host); }
      const close = value => { host.replaceChildren(); resolve(value); };
      host.replaceChildren(App.el('div', { class: 'modal' }, App.el('div', { class: 'panel', id: 'cancelTasks' },
        App.el('h2', {}, 'Cancel the open tasks?'), App.el('div', {}, 'Moving the deal cancels these tasks:'),
        App.el('ul', {}, tasks.map(t => App.el('li', {}, t))),
        App.el('button', { class: 'primary', id: 'confirmCancelTasks', onclick: () => close(true) }, 'Cancel them and move'), ' ',
        App.el('button', { id: 'keepTasks', onclick: () => close(false) }, 'Keep them'))));
    });
  },

  // A refusal as the API explains it: the detail plus what is missing or which moves are allowed.
  problem(result) {
    const p = result.data || {};
    const items = [...(p.missing || []).map(m => 'Missing: ' + m), ...(p.allowed ? ['Allowed: ' + (p.allowed.join(', ') || 'none')] : []),
      ...(p.openTasks || []).map(t => 'Open: ' + t)];
    for (const [field, messages] of Object.entries(p.errors || {})) items.push(`${field}: ${messages.join(' ')}`);
    return App.el('div', { class: 'error', role: 'alert' }, p.detail || p.title || `Error ${result.status}`,
      items.length ? App.el('ul', {}, items.map(i => App.el('li', {}, i))) : null);
  },

  // A list of records as a table, every value as text (nested values as JSON text).
  table(items, columns, rowAttrs) {
    if (!items || !items.length) return App.el('div', { class: 'muted' }, 'none');
    const keys = columns || Object.keys(items[0]);
    const cell = v => v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return App.el('table', {}, App.el('tr', {}, keys.map(k => App.el('th', {}, k))),
      items.map(item => App.el('tr', rowAttrs ? rowAttrs(item) : {}, keys.map(k => App.el('td', {}, cell(item[k]))))));
  },

  param(name) { return new URLSearchParams(location.search).get(name); },

  // Keeps only the newest version of each item: a push may arrive twice (two groups) or after a reload.
  newer(store, id, seq) {
    if ((store.get(id) ?? -1) >= seq) return false;
    store.set(id, seq);
    return true;
  },
};
