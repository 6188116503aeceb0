// Shared by every page: the API, the live connection and rendering. Data is only ever put into the page as text
// (textContent, never innerHTML), so names, notes and mail bodies typed by anyone cannot become markup.
const App = {
  me: null,

  // Page text: App.t('deal.lost.title', 'Mark as lost', { name }) — the English text is the fallback (and the neutral
  // resx value); App.strings holds the user's language from the server's resource files once loaded.
  strings: {},
  lang: 'en',
  locale: navigator.language || 'en',
  t(key, english, args) {
    let text = App.strings[key] ?? english ?? key;
    for (const [name, value] of Object.entries(args || {})) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  },

  // The page language: the user's choice, else the browser's; English for anything without a translation. Dates,
  // numbers and money follow it (a German user on an English browser sees 1.234,50 €).
  async useLanguage(wanted) {
    const lang = String(wanted || 'en').toLowerCase().split(/[-_]/)[0];
    App.lang = ['en', 'ru', 'de'].includes(lang) ? lang : 'en';
    const browser = navigator.language || 'en';
    App.locale = browser.toLowerCase().startsWith(App.lang) ? browser : { en: 'en-GB', ru: 'ru-RU', de: 'de-DE' }[App.lang];
    document.documentElement.lang = App.lang;
    App.formats = null;
    const result = await App.api('GET', `/api/i18n/${App.lang}`);
    App.strings = result.ok && typeof result.data === 'object' ? result.data : {};
    // Text written into the pages' HTML carries its key: translated here, before anything is shown.
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = App.t(node.dataset.t, node.textContent.trim());
    for (const node of document.querySelectorAll('[data-t-placeholder]')) node.placeholder = App.t(node.dataset.tPlaceholder, node.placeholder);
    for (const node of document.querySelectorAll('[data-t-title]')) node.title = App.t(node.dataset.tTitle, node.title);
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
    let response;
    try {
      if (writes) init.headers['X-CSRF-TOKEN'] = await App.csrfToken();
      response = await fetch(url, init);
      // A token of an earlier login (another tab logged in again): fetch a fresh one and try once more.
      if (writes && response.status === 400 && (await response.clone().text()).includes('Missing or invalid CSRF token')) {
        init.headers['X-CSRF-TOKEN'] = await App.csrfToken(true);
        response = await fetch(url, init);
      }
    } catch {
      // No answer at all (offline, server gone): said once, in plain words, by App.problem; the banner shows it too.
      App.offline(true);
      return { ok: false, status: 0, data: null };
    }
    if (response.status === 401 && !url.startsWith('/api/auth/login')) {
      location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
      return new Promise(() => {});
    }
    const text = await response.text();
    let data = text;
    if (text && (response.headers.get('content-type') || '').includes('json')) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
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

  // Of reads of one thing, only the one started last may draw: each call returns a check that stays true until a newer
  // read is started, so an earlier answer that comes late is dropped (a search typed on, another process picked).
  newest() {
    let latest = 0;
    return () => { const mine = ++latest; return () => mine === latest; };
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

  // Where each role starts its day: the page of its work, not the sales board.
  home(me) {
    const roles = (me || App.me)?.roles || [];
    if (roles.includes('admin') || roles.includes('supervisor') || roles.includes('manager')) return '/board.html';
    if (roles.includes('warehouse')) return '/stock.html';
    if (roles.includes('marketer')) return '/analytics.html';
    if (roles.includes('engineer')) return '/tasks.html';
    return '/account.html';
  },

  async start(active) {
    const me = await App.api('GET', '/api/auth/me');
    App.me = me.data;
    // The language and the people's names come before anything is drawn, so nothing flashes in English or as logins.
    await Promise.all([App.useLanguage(App.me.language || navigator.language), App.loadPeople()]);
    App.header(active);
    addEventListener('offline', () => App.offline(true));
    addEventListener('online', () => App.offline(false));
    if (!navigator.onLine) App.offline(true);
    return App.me;
  },

  // People's names by login (GET /api/people: active colleagues, no service accounts), for names instead of logins.
  people: new Map(),
  async loadPeople() {
    if (!App.can('people.read')) return;
    const result = await App.api('GET', '/api/people');
    if (result.ok) App.people = new Map(result.data.map(p => [p.userName, p]));
  },
  name(login) {
    if (!login) return '';
    return App.people.get(login)?.displayName || (login === App.me?.userName ? App.me.displayName : login);
  },
  // The people a picker offers: active colleagues of the department (all when none is given) holding one of the roles.
  pickable(department, roles) {
    return [...App.people.values()]
      .filter(p => (!department || p.department === department) && (!roles || roles.some(r => p.roles.includes(r))))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, App.locale));
  },

  // Process, stage and lost-reason names in the user's language (the process JSON's optional "names").
  local(neutral, names) { return (names && names[App.lang]) || neutral; },
  processes: new Map(),
  async loadProcesses() {
    const list = await App.api('GET', '/api/processes');
    if (!list.ok) return [];
    const definitions = await Promise.all(list.data.map(p => App.api('GET', `/api/processes/${encodeURIComponent(p.kind)}`)));
    for (const d of definitions) if (d.ok) App.processes.set(d.data.kind, d.data);
    return list.data;
  },
  processName(kindOrSummary) {
    const p = typeof kindOrSummary === 'string' ? App.processes.get(kindOrSummary) : kindOrSummary;
    return p ? App.local(p.name, p.names) : String(kindOrSummary || '');
  },
  stageName(kind, stageId, fallback) {
    const stage = App.processes.get(kind)?.stages.find(s => s.id === stageId);
    return stage ? App.local(stage.name, stage.names) : (fallback || stageId || '');
  },
  lostReason(process, reason) { return App.local(reason, process?.lostReasonNames?.[reason]); },
  // A process version's definition (what a deal runs on), fetched once per page.
  versions: new Map(),
  processVersion(kind, version) {
    const key = `${kind}/${version}`;
    if (!App.versions.has(key)) {
      App.versions.set(key, App.api('GET', `/api/processes/${encodeURIComponent(kind)}/versions/${encodeURIComponent(version)}`).then(r => r.ok ? r.data : null));
    }
    return App.versions.get(key);
  },
  // A deal task's title in the user's language: a process task by its template's optional "titles", the tasks a deal
  // makes itself (a lost deal's review, an order problem) from the page texts; the stored (English) title otherwise.
  // deal: { title, lostReason, owner } for a lost deal's review.
  taskTitle(process, task, deal) {
    if (task.templateId === 'lost-review' && deal) {
      return App.t('task.lostReview', 'Review lost deal: {deal} ({reason}, {owner})',
        { deal: deal.title, reason: App.lostReason(process, deal.lostReason || ''), owner: App.name(deal.owner) });
    }
    const problem = 'Fix the deal so its order can be made: ';
    if (task.templateId === 'order-problem' && task.title.startsWith(problem)) {
      return App.t('task.orderProblem', 'Fix the deal so its order can be made: {problem}', { problem: task.title.slice(problem.length) });
    }
    const template = process?.stages?.find(s => s.id === task.stage)?.tasks?.find(t => t.id === task.templateId);
    return template ? App.local(task.title, template.titles) : task.title;
  },
  // A deal task's status in words (Open, Done, Cancelled).
  taskStatus(status) { return App.t(`task.status.${String(status).toLowerCase()}`, String(status).toLowerCase()); },

  // A work list that becomes one card per row on a phone (table.stack in app.css): each cell is labelled with its
  // column's header, in whatever language the header is in.
  stack(table) {
    table.classList.add('stack');
    // Its own rows only (table.rows), never those of a table inside a cell.
    const head = table.tHead?.rows[0] || [...table.rows].find(r => r.classList.contains('head'));
    const headers = head ? [...head.cells].map(c => c.textContent.trim()) : [];
    for (const row of table.rows) {
      if (row === head) continue;
      // A cell across several columns (a "nothing here" row) speaks for the whole row: no column name above it.
      [...row.cells].forEach((cell, i) => {
        const label = cell.colSpan > 1 ? '' : headers[i] || '';
        if (cell.tagName === 'TD' && cell.dataset.label !== label) cell.dataset.label = label;
      });
    }
    return table;
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

  // Puts a freshly drawn part in place unless it draws the same as what stands, and says whether it did. A read that
  // changed nothing (the catch-up read once the live connection stands, a push about another record) must not swap a
  // button or row from under a pointer: a click whose press and release land on two different elements is no click.
  // Kept elements keep their handlers, so those read the current record when clicked, not the one they were drawn from.
  draw(container, ...nodes) {
    if (App.drawsSame(container, nodes)) return false;
    container.replaceChildren(...nodes.flat(Infinity).filter(node => node !== null && node !== undefined && node !== false));
    return true;
  },

  // Whether nodes would draw exactly what container shows (markup only: typed values are not markup).
  drawsSame(container, nodes) {
    const copy = document.createElement(container.tagName);
    for (const node of nodes.flat(Infinity)) if (node !== null && node !== undefined && node !== false) copy.append(node instanceof Node ? node.cloneNode(true) : String(node));
    return copy.innerHTML === container.innerHTML;
  },

  // An input with its visible label (screen readers and a tap on the text reach the input).
  field(label, input) { return App.el('label', { class: 'field' }, App.el('span', {}, label), input); },

  header(active) {
    const link = (href, key, english) => App.el('a', { href, class: key === active ? 'active' : '', 'aria-current': key === active ? 'page' : null },
      App.t(`nav.${key}`, english));
    const roles = App.me.roles || [];
    const links = [];
    if (App.can('deal.read') && roles.some(r => ['admin', 'supervisor', 'manager'].includes(r))) links.push(link('/board.html', 'board', 'Board'));
    if (App.can('task.read')) links.push(link('/tasks.html', 'tasks', 'My tasks'));
    if (App.can('lead.read')) links.push(link('/leads.html', 'leads', 'Leads'));
    if (App.can('workload.read') && (roles.includes('supervisor') || roles.includes('admin'))) links.push(link('/supervisor.html', 'supervisor', 'Supervisor'));
    if (App.can('stock.read')) links.push(link('/stock.html', 'stock', 'Stock'));
    if (App.can('order.read')) links.push(link('/orders.html', 'orders', 'Orders'));
    if (App.can('analytics.read')) links.push(link('/analytics.html', 'analytics', 'Analytics'));
    if (App.can('company.read')) links.push(link('/company.html', 'companies', 'Companies'));
    if (App.can('claim.read')) links.push(link('/claims.html', 'claims', 'Claims'));
    if (App.can('mail.quarantine')) links.push(link('/mail.html', 'mail', 'Mail'));
    if (App.can('access.admin')) links.push(link('/access.html', 'access', 'Access'));
    if (App.can('user.manage')) links.push(link('/admin.html', 'admin', 'Administration'));
    if (App.can('process.publish')) links.push(link('/processes.html', 'processes', 'Processes'));
    if (App.can('mail.template')) links.push(link('/mail-templates.html', 'mailTemplates', 'Mail templates'));
    links.push(link('/account.html', 'account', 'Account'));
    if (App.can('ops.dashboard')) links.push(link('/ops.html', 'ops', 'Cluster'));
    const live = App.el('span', { class: 'live', id: 'live', title: App.t('nav.live.title', 'Live updates') }, App.t('nav.live', 'live'));
    const logout = App.el('button', { type: 'button', onclick: async e => App.busy(e.currentTarget, async () => {
      await App.api('POST', '/api/auth/logout');
      location.href = '/login.html';
    }) }, App.t('nav.logout', 'Log out'));
    const roleNames = roles.map(r => App.t(`role.${r}`, r)).join(', ');
    const nav = App.el('nav', { id: 'nav', 'aria-label': App.t('nav.label', 'Pages') }, links,
      App.el('span', { class: 'me' }, App.me.displayName, App.el('small', {}, ` (${roleNames})`)), logout);
    // On a phone the links fold into a menu behind one button.
    const toggle = App.el('button', { type: 'button', class: 'menu-toggle', 'aria-controls': 'nav', 'aria-expanded': 'false',
      onclick: () => { const open = header.classList.toggle('open'); toggle.setAttribute('aria-expanded', String(open)); } },
      App.t('nav.menu', 'Menu'));
    const header = App.el('header', { class: 'top' }, App.el('strong', { class: 'brand' }, 'SalesOrleans'), live, toggle, nav);
    document.body.prepend(header);
    App.Bell?.mount(header, live);
  },

  // The banner while the page cannot reach the server: what is typed stays, but nothing is saved until it is back.
  offline(on) {
    let banner = document.getElementById('offline');
    if (!on) { banner?.remove(); document.body.classList.remove('is-offline'); return; }
    if (!banner) {
      banner = App.el('div', { id: 'offline', class: 'offline', role: 'status' },
        App.t('app.offline', 'No connection to the server. What you type stays here; nothing is saved until the connection is back.'));
      document.body.prepend(banner);
    }
    document.body.classList.add('is-offline');
  },

  // Pushes of committed changes; on (re)connect the page reloads what it shows from the read model.
  async live(onChange, onConnected) {
    const connection = new signalR.HubConnectionBuilder().withUrl('/hubs/live').withAutomaticReconnect([0, 1000, 2000, 5000, 10000]).build();
    const indicator = () => document.getElementById('live');
    // The server coalesces: one "changes" message carries every change that arrived while it was sending the last.
    connection.on('changes', (changes) => {
      for (const { kind, id, seq, json } of changes) {
        const data = JSON.parse(json);
        if (kind === 'call') App.incomingCall?.(data);
        for (const hook of App.pushHooks) hook(kind, id, seq, data);
        onChange(kind, id, seq, data);
      }
    });
    connection.onreconnecting(() => { indicator()?.classList.remove('on'); App.offline(true); });
    connection.onreconnected(async () => { indicator()?.classList.add('on'); App.offline(false); await onConnected(connection); });
    connection.onclose(() => { indicator()?.classList.remove('on'); App.offline(true); });
    await connection.start();
    indicator()?.classList.add('on');
    // The page read what it shows before it listened: a change in between came as no push, so it reads once more.
    await onConnected(connection);
    document.body.dataset.live = 'on';
    return connection;
  },

  // One format per locale for dates, numbers and money (Intl), used by every page.
  formats: null,
  fmt: {
    get f() {
      if (!App.formats) {
        const l = App.locale;
        App.formats = {
          date: new Intl.DateTimeFormat(l, { dateStyle: 'medium' }),
          dateTime: new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }),
          time: new Intl.DateTimeFormat(l, { timeStyle: 'short' }),
          number: new Intl.NumberFormat(l, { maximumFractionDigits: 2 }),
          percent: new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1 }),
          money: new Map(),
        };
      }
      return App.formats;
    },
    valid(value) { const d = value ? new Date(value) : null; return d && !isNaN(d) ? d : null; },
    date(value) { const d = App.fmt.valid(value); return d ? App.fmt.f.date.format(d) : ''; },
    dateTime(value) { const d = App.fmt.valid(value); return d ? App.fmt.f.dateTime.format(d) : ''; },
    time(value) { const d = App.fmt.valid(value); return d ? App.fmt.f.time.format(d) : ''; },
    number(value) { return value === null || value === undefined || value === '' || isNaN(Number(value)) ? '' : App.fmt.f.number.format(Number(value)); },
    percent(value) { return value === null || value === undefined || isNaN(Number(value)) ? '' : App.fmt.f.percent.format(Number(value)); },
    // Money with its currency (a missing or unknown currency: the number alone).
    money(amount, currency) {
      if (amount === null || amount === undefined || isNaN(Number(amount))) return '';
      const code = (currency || '').toUpperCase();
      if (!/^[A-Z]{3}$/.test(code)) return App.fmt.number(amount);
      let format = App.fmt.f.money.get(code);
      if (!format) {
        try { format = new Intl.NumberFormat(App.locale, { style: 'currency', currency: code, maximumFractionDigits: 2 }); } catch { format = null; }
        App.fmt.f.money.set(code, format);
      }
      return format ? format.format(Number(amount)) : `${App.fmt.number(amount)} ${code}`;
    },
    // How long since a moment, in the user's words: "5 min", "3 h 10 min", "2 d 4 h".
    since(value) {
      const d = App.fmt.valid(value);
      if (!d) return '';
      const minutes = Math.max(0, Math.floor((Date.now() - d.getTime()) / 60000));
      if (minutes < 60) return App.t('time.minutes', '{m} min', { m: minutes });
      const hours = Math.floor(minutes / 60);
      return hours < 48 ? App.t('time.hours', '{h} h {m} min', { h: hours, m: minutes % 60 })
        : App.t('time.days', '{d} d {h} h', { d: Math.floor(hours / 24), h: hours % 24 });
    },
  },

  // The older names, kept for the pages that use them.
  duration(since) { return App.fmt.since(since); },
  time(value) { return App.fmt.dateTime(value); },
  money(amount, currency) { return App.fmt.money(amount, currency); },

  // Moves a deal by hand. A move that would cancel open tasks is refused with the list (409 "openTasks"): the user
  // sees which tasks would be cancelled and confirms, then the move is sent again with cancelOpenTasks.
  async moveDeal(id, body) {
    const result = await App.api('POST', `/api/deals/${id}/moves`, body);
    if (result.ok || result.status !== 409 || !result.data?.openTasks?.length) return result;
    if (!await App.confirmCancel(result.data.openTasks)) return { ok: false, status: 0, data: { detail: App.t('move.kept', 'Not moved: the open tasks stay.') } };
    return App.api('POST', `/api/deals/${id}/moves`, { ...body, cancelOpenTasks: true });
  },

  confirmCancel(tasks) {
    return App.dialog('cancelTasks', App.t('move.cancelTasks.title', 'Cancel the open tasks?'), [
      App.el('div', {}, App.t('move.cancelTasks.text', 'Moving the deal cancels these tasks:')),
      App.el('ul', {}, tasks.map(t => App.el('li', {}, t)))],
      [{ id: 'confirmCancelTasks', text: App.t('move.cancelTasks.confirm', 'Cancel them and move'), value: true, primary: true },
       { id: 'keepTasks', text: App.t('move.cancelTasks.keep', 'Keep them'), value: false }]);
  },

  // Puts a panel over the page as a modal: focus moves into it and Tab stays inside, Escape calls onEscape, and the
  // close it returns takes the panel away and gives the focus back to where it was. App.dialog and Dialog.open both
  // stand on it, so a dialog behaves the same wherever it opens.
  modal(panel, onEscape) {
    const before = document.activeElement;
    const host = App.el('div', { class: 'modal' }, panel);
    const focusable = () => [...panel.querySelectorAll('input, select, textarea, button, a[href]')].filter(n => !n.disabled);
    const keys = e => {
      if (host !== [...document.querySelectorAll('body > .modal')].pop()) return; // a modal opened over this one has the keys
      if (e.key === 'Escape') { e.preventDefault(); onEscape(); return; }
      if (e.key !== 'Tab') return;
      const items = focusable();
      if (!items.length) return;
      const first = items[0], last = items[items.length - 1];
      if (e.shiftKey && (document.activeElement === first || !panel.contains(document.activeElement))) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && (document.activeElement === last || !panel.contains(document.activeElement))) { e.preventDefault(); first.focus(); }
    };
    document.addEventListener('keydown', keys, true);
    document.body.append(host);
    (panel.querySelector('select, input, textarea') || panel.querySelector('button.primary') || focusable()[0])?.focus();
    return () => {
      host.remove();
      document.removeEventListener('keydown', keys, true);
      if (before && before.isConnected) before.focus();
    };
  },

  // A question with buttons: each button's value answers it (Escape answers as the last button does).
  dialog(id, title, body, buttons) {
    return new Promise(resolve => {
      const last = buttons[buttons.length - 1];
      const answer = value => { close(); resolve(value); };
      const panel = App.el('div', { class: 'panel', id, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': `${id}-title` },
        App.el('h2', { id: `${id}-title` }, title), body,
        App.el('div', { class: 'buttons' }, buttons.map(b => App.el('button', { type: 'button', id: b.id, class: b.primary ? 'primary' : b.danger ? 'danger' : '',
          onclick: () => {
            // A button whose value is undefined keeps the dialog open (e.g. a required choice not made yet).
            const value = typeof b.value === 'function' ? b.value() : b.value;
            if (value !== undefined) answer(value);
          } }, b.text))));
      const close = App.modal(panel, () => answer(typeof last.value === 'function' ? null : last.value));
    });
  },

  // A button that is busy while its request runs: disabled (no double submit), marked for screen readers.
  async busy(button, fn) {
    if (!button || button.disabled) return undefined;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try { return await fn(); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
  },

  // Placeholders while a page loads, and empty states that say what to do.
  loading(rows = 3) {
    return App.el('div', { class: 'skeleton', role: 'status', 'aria-label': App.t('app.loading', 'Loading…') },
      Array.from({ length: rows }, () => App.el('div', { class: 'skeleton-line' })));
  },
  empty(text) { return App.el('div', { class: 'empty' }, text); },

  // A refusal said once, in plain words: the server's own explanation, or what the status means, plus what is
  // missing or which moves are allowed. Never a raw status line such as "Not Found".
  problem(result) {
    const p = result && result.data && typeof result.data === 'object' ? result.data : {};
    const fieldMessages = Object.values(p.errors || {}).flat().filter(Boolean);
    const plain = {
      0: App.t('error.offline', 'No connection to the server. Check the network and try again.'),
      400: App.t('error.400', 'Please check what you entered.'),
      401: App.t('error.401', 'Please sign in again.'),
      403: App.t('error.403', 'You may not do this.'),
      404: App.t('error.404', 'This was not found: it may have been removed, or it is not yours to see.'),
      409: App.t('error.409', 'This cannot be done in the current state.'),
      413: App.t('error.413', 'This is too large to send.'),
      422: App.t('error.422', 'Something is still missing.'),
      429: App.t('error.429', 'Too many attempts; wait a moment and try again.'),
    }[result?.status] ?? (result?.status >= 500 ? App.t('error.500', 'The server could not do this right now; try again in a moment.')
      : App.t('error.other', 'This did not work.'));
    // A field error is the whole story (the detail repeats it); a generic title ("Not Found") is replaced by plain words.
    const generic = /^(not found|forbidden|bad request|conflict|invalid input|one or more validation errors occurred\.?)$/i;
    const main = fieldMessages.length ? null : (p.detail && !generic.test(p.detail) ? p.detail : plain);
    const items = [...fieldMessages,
      ...(p.missing || []).map(m => App.t('error.missing', 'Missing: {what}', { what: m })),
      ...(p.allowed ? [App.t('error.allowed', 'Allowed: {moves}', { moves: p.allowed.join(', ') || App.t('common.nothing', 'none') })] : []),
      ...(p.openTasks || []).map(t => App.t('error.open', 'Open: {task}', { task: t }))];
    return App.el('div', { class: 'error', role: 'alert' }, main,
      items.length ? App.el(main ? 'ul' : 'div', {}, items.map(i => App.el(main ? 'li' : 'div', {}, i))) : null);
  },

  // Column headers in words: "balanceDue" → "Balance due", unless the page's text names it (col.balanceDue).
  header_(key) {
    const words = String(key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
    return App.t(`col.${key}`, words.charAt(0).toUpperCase() + words.slice(1));
  },

  // A list of records as a table, every value as text. Columns are keys, or { key, label, value(item) }; label '' is a
  // column without a heading (its buttons say what they do), never the key's English words.
  table(items, columns, rowAttrs, emptyText) {
    if (!items || !items.length) return App.empty(emptyText || App.t('common.none', 'Nothing here yet.'));
    const cols = (columns || Object.keys(items[0])).map(c => typeof c === 'string' ? { key: c } : c);
    const cell = v => v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? App.t('common.yes', 'yes') : App.t('common.no', 'no'))
      : typeof v === 'number' ? App.fmt.number(v)
      : typeof v === 'object' ? (Array.isArray(v) ? v.map(cell).join(', ') : Object.entries(v).map(([k, x]) => `${App.header_(k)}: ${cell(x)}`).join('; '))
      : /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) ? App.fmt.dateTime(v) : String(v);
    // At phone size a row becomes a card, each value under its column's name (App.stack): an order's lines, a stock
    // item's batches or an approval route would otherwise squeeze their columns to a letter a line.
    return App.stack(App.el('table', {}, App.el('thead', {}, App.el('tr', {}, cols.map(c => App.el('th', { scope: 'col' }, c.label ?? App.header_(c.key))))),
      App.el('tbody', {}, items.map(item => App.el('tr', rowAttrs ? rowAttrs(item) : {}, cols.map(c => App.el('td', {}, c.value ? c.value(item) : cell(item[c.key]))))))));
  },

  param(name) { return new URLSearchParams(location.search).get(name); },

  // Keeps only the newest version of each item: a push may arrive twice (two groups) or after a reload.
  newer(store, id, seq) {
    if ((store.get(id) ?? -1) >= seq) return false;
    store.set(id, seq);
    return true;
  },

  // A list read while pushes keep coming. The read model is read at one moment, so a push that lands during the read
  // can be newer than what the read returns: the page notes each push meanwhile and, with the answer, keeps per item the
  // newer of the two. combine(pushed, read) makes the kept card when the push wins (read is undefined if the item was
  // not in the list).
  pushesDuringRead() {
    const pushed = new Map();
    return {
      note(id, card, seq) { pushed.set(id, { card, seq }); },
      newest(items, combine = p => p.card) {
        const rows = new Map(items.map(item => [item.id, { card: item, seq: item.seq }]));
        for (const [id, push] of pushed) {
          const read = rows.get(id);
          if (read && read.seq >= push.seq) continue;
          rows.set(id, { card: combine(push, read?.card), seq: push.seq });
        }
        return rows;
      },
    };
  },
};
