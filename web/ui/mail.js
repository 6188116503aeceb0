// The mail quarantine (head of sales, admins): mail the intake could not make an inquiry of, and automatic mail it
// filed. Each shows sender, subject, date, reason and first lines; a person makes a lead of it (adding the phone or
// address it lacked), attaches it to a customer, or discards it. Everything from the mail is put in as text only.
const Mail = {
  showDecided: false,
  kind: 'all',

  async init() {
    document.title = App.t('mail.pageTitle', 'SalesOrleans — mail');
    document.getElementById('title').textContent = App.t('mail.title', 'Mail quarantine');
    await App.start('mail');
    if (!App.can('mail.quarantine')) {
      Mail.say(App.t('mail.notAllowed', 'Only the head of sales and admins see the mail quarantine.'), false);
      document.body.dataset.ready = 'on';
      return;
    }
    Mail.filters();
    await Mail.load();
    const id = App.param('id');
    if (id) document.querySelector(`[data-mail="${CSS.escape(id)}"]`)?.scrollIntoView();
    document.body.dataset.ready = 'on';
  },

  say(text, ok) {
    const box = document.getElementById('mail-message');
    box.textContent = text;
    box.className = ok ? 'ok' : 'error';
  },

  problem(r) {
    const p = r.data || {};
    const fields = Object.entries(p.errors || {}).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
    return [p.detail || p.title || App.t('mail.error', 'Error {status}', { status: r.status }), ...fields].join(' — ');
  },

  filters() {
    const decided = App.el('input', { type: 'checkbox', id: 'show-decided', onchange: async e => { Mail.showDecided = e.target.checked; await Mail.load(); } });
    const kind = App.el('select', { id: 'kind', onchange: async e => { Mail.kind = e.target.value; await Mail.load(); } },
      App.el('option', { value: 'all' }, App.t('mail.kind.all', 'Quarantined and filed')),
      App.el('option', { value: 'quarantined' }, App.t('mail.kind.quarantined', 'Quarantined only')),
      App.el('option', { value: 'filed' }, App.t('mail.kind.filed', 'Filed automatic mail only')));
    document.getElementById('filters').replaceChildren(
      App.el('label', {}, kind), ' ',
      App.el('label', {}, decided, ' ', App.t('mail.showDecided', 'Show mail already decided')));
  },

  async load() {
    const r = await App.api('GET', `/api/mail/quarantine?open=${!Mail.showDecided}`);
    const host = document.getElementById('mails');
    if (!r.ok) { host.replaceChildren(App.el('div', { class: 'error' }, Mail.problem(r))); return; }
    const items = r.data.filter(m => Mail.kind === 'all' || (Mail.kind === 'filed') === m.filed);
    if (!items.length) { host.replaceChildren(App.el('p', { class: 'muted', id: 'no-mail' }, App.t('mail.none', 'No mail waits here.'))); return; }
    host.replaceChildren(...items.map(Mail.card));
  },

  card(m) {
    const actions = App.el('div', { class: 'actions' });
    const work = App.el('div', { class: 'work' });
    const state = m.state === 'open' ? ''
      : App.t(`mail.state.${m.state}`, { lead: 'Made a lead', attached: 'Attached to a customer', discarded: 'Discarded' }[m.state] || m.state)
        + ' ' + App.t('mail.decidedBy', 'by {who} at {when}', { who: m.decidedBy || '', when: App.time(m.decidedAt) });
    if (m.state === 'open') {
      actions.append(
        App.el('button', { class: 'primary make-lead', onclick: () => Mail.leadForm(m, work) }, App.t('mail.makeLead', 'Make a lead')), ' ',
        App.el('button', { class: 'attach', onclick: () => Mail.attachForm(m, work) }, App.t('mail.attach', 'Attach to customer')), ' ',
        App.el('button', { class: 'discard', onclick: () => Mail.act(m, 'discard', {}, App.t('mail.discarded', 'Mail "{subject}" discarded.', { subject: m.subject || '' })) },
          App.t('mail.discard', 'Discard')));
    }
    const link = m.leadId ? App.el('a', { href: `/leads.html?id=${m.leadId}` }, App.t('mail.openLead', 'open the lead'))
      : m.contactId ? App.el('a', { href: `/leads.html?contact=${m.contactId}` }, App.t('mail.openContact', 'open the customer')) : null;
    return App.el('section', { class: 'panel mail', dataset: { mail: m.id, state: m.state } },
      App.el('div', {}, App.el('strong', { class: 'subject' }, m.subject || App.t('mail.noSubject', '(no subject)')),
        m.filed ? [' ', App.el('span', { class: 'badge' }, App.t('mail.filed', 'filed automatic'))] : null),
      App.el('div', { class: 'muted' },
        App.t('mail.from', 'From {sender}', { sender: m.sender || App.t('mail.unknownSender', 'unknown sender') }), ' · ',
        App.t('mail.sent', 'sent {when}', { when: App.time(m.sentAt || m.at) }), ' · ',
        App.t('mail.received', 'received {when}', { when: App.time(m.at) })),
      App.el('div', { class: 'reason' }, App.t('mail.reason', 'Why: {reason}', { reason: m.reason })),
      App.el('pre', { class: 'excerpt' }, m.excerpt || ''),
      state ? App.el('div', { class: 'decided' }, state, link ? [' — ', link] : null) : null,
      actions, work);
  },

  leadForm(m, work) {
    const input = (name, label) => App.el('label', {}, label, ' ', App.el('input', { name }));
    const form = App.el('form', { class: 'lead-form', onsubmit: async e => {
      e.preventDefault();
      const data = Object.fromEntries([...new FormData(form)].filter(([, v]) => String(v).trim()));
      await Mail.act(m, 'lead', data, App.t('mail.leadMade', 'A lead was made of "{subject}".', { subject: m.subject || '' }));
    } },
      App.el('p', { class: 'muted' }, App.t('mail.leadHint', 'What the mail lacks: a phone or an address is needed; empty fields keep what the mail says.')),
      input('name', App.t('mail.field.name', 'Name')), ' ', input('phone', App.t('mail.field.phone', 'Phone')), ' ',
      input('email', App.t('mail.field.email', 'E-mail')), ' ', input('company', App.t('mail.field.company', 'Company')), ' ',
      input('department', App.t('mail.field.department', 'Department (empty: routing decides)')), ' ',
      App.el('button', { class: 'primary', type: 'submit' }, App.t('mail.makeLead', 'Make a lead')));
    work.replaceChildren(form);
    form.querySelector('input[name=phone]').focus();
  },

  attachForm(m, work) {
    const results = App.el('ul', { class: 'contacts' });
    const search = App.el('input', { name: 'search', placeholder: App.t('mail.searchPlaceholder', 'name, phone, address or company') });
    const find = async () => {
      const term = search.value.trim();
      if (!term) return;
      const r = await App.api('GET', `/api/leads?search=${encodeURIComponent(term)}&limit=20`);
      if (!r.ok) { results.replaceChildren(App.el('li', { class: 'error' }, Mail.problem(r))); return; }
      // One entry per customer, whichever of their leads matched.
      const contacts = [...new Map(r.data.map(l => [l.contactId, l])).values()];
      results.replaceChildren(...(contacts.length ? contacts.map(c => App.el('li', { dataset: { contact: c.contactId } },
        [c.name, c.company, c.phone, c.email].filter(Boolean).join(' · '), ' ',
        App.el('button', { class: 'pick', onclick: () => Mail.act(m, 'attach', { contactId: c.contactId },
          App.t('mail.attached', '"{subject}" joined the history of {name}.', { subject: m.subject || '', name: c.name || c.phone || c.email || '' })) },
          App.t('mail.pick', 'Attach here'))))
        : [App.el('li', { class: 'muted' }, App.t('mail.noContacts', 'No customer found.'))]));
    };
    const form = App.el('form', { class: 'attach-form', onsubmit: async e => { e.preventDefault(); await find(); } },
      App.el('label', {}, App.t('mail.findCustomer', 'Find the customer'), ' ', search), ' ',
      App.el('button', { type: 'submit' }, App.t('mail.search', 'Search')), results);
    work.replaceChildren(form);
    search.focus();
  },

  async act(m, action, body, done) {
    const r = await App.api('POST', `/api/mail/quarantine/${m.id}/${action}`, body);
    if (!r.ok) { Mail.say(Mail.problem(r), false); return; }
    Mail.say(done, true);
    await Mail.load();
  },
};

Mail.init();
