// The notification bell in every page's header: the unread count and a live list of one's notifications (new leads,
// assignments, new deal tasks, overdue and escalated work, known customers). Opening one marks it read and goes to
// what it is about. Pushes of deals, leads and calls make it look again (a notification is written before its push).
const Bell = {
  items: [],
  ui: null,

  kinds() {
    return {
      NewLead: App.t('notify.kind.newLead', 'New lead'), Assigned: App.t('notify.kind.assigned', 'Lead for you'),
      Overdue: App.t('notify.kind.overdue', 'Overdue'), KnownCustomer: App.t('notify.kind.knownCustomer', 'Known customer'),
      Task: App.t('notify.kind.task', 'New task'), Other: App.t('notify.kind.other', 'Notice'),
    };
  },

  mount(header, before) {
    if (!header || !App.can('notification.read')) return;
    const count = App.el('span', { class: 'bell-count', id: 'bellCount' }, '0');
    const button = App.el('button', { type: 'button', id: 'bell', class: 'bell', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': 'notifications',
      onclick: () => Bell.toggle() }, Bell.icon(), ' ', count);
    const list = App.el('ul', { class: 'notification-list' });
    const markAll = App.el('button', { type: 'button', id: 'markAllRead', onclick: async () => {
      markAll.disabled = true;
      try { await App.api('POST', '/api/notifications/read'); await Bell.load(); } finally { markAll.disabled = false; }
    } }, App.t('notify.markAll', 'Mark all read'));
    const panel = App.el('section', { id: 'notifications', class: 'panel notifications', hidden: true, 'aria-label': App.t('notify.title', 'Notifications') },
      App.el('div', { class: 'notifications-head' }, App.el('strong', {}, App.t('notify.title', 'Notifications')), markAll), list);
    const wrapper = App.el('span', { class: 'bell-wrap' }, button, panel);
    header.insertBefore(wrapper, before || null);
    Bell.ui = { button, count, list, panel };
    const reload = App.serial(() => Bell.load(), 1000);
    App.pushHooks.push(kind => { if (['deal', 'lead', 'contact', 'call'].includes(kind)) reload(); });
    // Pages without a live connection (and a missed push) still catch up.
    setInterval(reload, 30000);
    document.addEventListener('keydown', event => { if (event.key === 'Escape' && !panel.hidden) { Bell.toggle(false); button.focus(); } });
    document.addEventListener('click', event => { if (!panel.hidden && !wrapper.contains(event.target)) Bell.toggle(false); });
    reload();
  },

  // A bell drawn as SVG (no emoji font needed), hidden from screen readers: the button's label says it.
  icon() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z');
    svg.append(path);
    return svg;
  },

  toggle(open) {
    const { button, panel } = Bell.ui;
    const show = open ?? panel.hidden;
    panel.hidden = !show;
    button.setAttribute('aria-expanded', String(show));
    if (show) panel.querySelector('a, button')?.focus();
  },

  async load() {
    const [r, unreadOnly] = await Promise.all([App.api('GET', '/api/notifications?limit=50'), App.api('GET', '/api/notifications?unread=true&limit=100')]);
    if (!r.ok || !Array.isArray(r.data) || !Array.isArray(unreadOnly.data)) return;
    Bell.items = r.data;
    const unread = unreadOnly.data.length;
    const { button, count, list } = Bell.ui;
    count.textContent = unread > 99 ? '99+' : String(unread);
    button.dataset.unread = String(unread);
    button.classList.toggle('has-unread', unread > 0);
    button.setAttribute('aria-label', App.t('notify.unread', 'Notifications: {count} unread', { count: unread }));
    const kinds = Bell.kinds();
    list.replaceChildren(...(r.data.length ? r.data.map(n => App.el('li', {
      class: n.readAt ? 'read' : 'unread', dataset: { source: n.source, sourceId: n.sourceId, seq: n.seq, kind: n.kind } },
      App.el('a', { href: n.link, onclick: event => Bell.open(event, n) },
        App.el('span', { class: `kind kind-${n.kind}` }, kinds[n.kind] || n.kind), ' ', n.text),
      App.el('div', { class: 'muted' }, App.time(n.at)))) : [App.el('li', { class: 'muted' }, App.t('notify.none', 'Nothing new. Leads, tasks and escalations for you appear here.'))]));
  },

  // Read, then go to what it is about.
  async open(event, n) {
    event.preventDefault();
    if (!n.readAt) await App.api('POST', `/api/notifications/${encodeURIComponent(n.source)}/${n.sourceId}/${n.seq}/read`);
    location.href = n.link;
  },
};
App.Bell = Bell;
