// The company page: without ?id= a search and the new-company form; with it the client dossier (1C:ERP CRM): contacts,
// deals, orders, payments, claims, calls and mails of the customer, its loyalty status, and forms for a new contact,
// a new deal and a new claim.
const CompanyPage = {
  id: App.param('id'),

  loyalty(status) {
    return App.t(`loyalty.${status}`, { new: 'new', repeat: 'repeat', key: 'key', dormant: 'dormant', lost: 'lost' }[status] || status);
  },

  async init() {
    await App.start('companies');
    const reload = App.serial(() => CompanyPage.id ? CompanyPage.dossier() : CompanyPage.search(), 250);
    await reload();
    // Live on the search page too (the bell and the call pop-up); the dossier follows its customer's changes.
    // The search page shows nothing that changes (a search and a form being typed): only the dossier is read again.
    await App.live(kind => { if (CompanyPage.id && ['deal', 'order', 'contact', 'call'].includes(kind)) reload(); }, () => CompanyPage.id ? reload() : null);
  },

  section(id, title, ...children) {
    return App.el('section', { class: 'panel', id }, App.el('h2', {}, title), ...children);
  },

  // The list: search, pick, or create a company.
  async search() {
    const content = document.getElementById('content');
    const form = CompanyPage.newCompanyForm();
    content.replaceChildren(...[CompanyPage.section('find', App.t('company.find', 'Find a company'),
      CompanyPicker.form(c => { location.href = `/company.html?id=${c.id}`; })), form].filter(Boolean));
  },

  newCompanyForm() {
    if (!App.can('company.create')) return null;
    const message = App.el('div', { 'aria-live': 'polite' });
    const name = App.el('input', { name: 'name', required: true, size: 28 });
    const inn = App.el('input', { name: 'inn', inputmode: 'numeric', size: 14 });
    const form = App.el('form', { class: 'controls', id: 'newCompany' },
      App.field(App.t('company.name', 'Name'), name), App.field(App.t('company.inn', 'INN'), inn),
      App.el('button', { type: 'submit', class: 'primary' }, App.t('company.create', 'Create company')), message);
    form.addEventListener('submit', e => {
      e.preventDefault();
      App.busy(form.querySelector('button'), async () => {
        const r = await App.api('POST', '/api/companies', { name: name.value, inn: inn.value || null });
        if (r.ok) location.href = `/company.html?id=${r.data.id}`; else message.replaceChildren(App.problem(r));
      });
    });
    return CompanyPage.section('create', App.t('company.new', 'New company'), form);
  },

  // The dossier is built once; a push (any deal, order, contact or call) redraws only the lists whose data changed, and
  // the forms below them are never redrawn, so a contact or deal being typed survives a stream of changes.
  ui: null,
  async dossier() {
    const content = document.getElementById('content');
    if (!content.firstChild) content.replaceChildren(App.loading(6));
    const result = await App.api('GET', `/api/companies/${encodeURIComponent(CompanyPage.id)}/dossier`);
    if (!result.ok) { content.replaceChildren(App.problem(result)); CompanyPage.ui = null; return; }
    const c = result.data;
    document.getElementById('companyTitle').textContent = c.name;
    document.title = `SalesOrleans — ${c.name}`;
    const link = (href, text) => App.el('a', { href }, text);
    const table = (...args) => App.el('div', { class: 'table-scroll' }, App.table(...args));
    const money = (amount, currency) => App.money(amount, currency);
    const dealStatus = s => ({ Open: App.t('deal.status.open', 'open'), Won: App.t('deal.status.won', 'won'), Lost: App.t('deal.status.lost', 'lost') }[s] || s);
    const contactName = id => c.contacts.find(p => p.id === id)?.name;
    const lists = {
      contacts: [App.t('company.contacts', 'Contacts'), c.contacts, () => table(c.contacts, [
        { key: 'name', label: App.t('company.col.name', 'Name') },
        { key: 'position', label: App.t('company.col.position', 'Position') },
        { key: 'phones', label: App.t('company.col.phones', 'Phones') },
        { key: 'emails', label: App.t('company.col.emails', 'E-mail') },
      ], null, App.t('company.contacts.none', 'No contacts yet.'))],
      deals: [App.t('company.deals', 'Deals'), c.deals, () => table(c.deals, [
        { key: 'title', label: App.t('company.col.deal', 'Deal'), value: d => link(`/deal.html?id=${d.id}`, d.title) },
        { key: 'stage', label: App.t('company.col.stage', 'Stage'), value: d => App.stageName(d.processKind, d.stageId, d.stage) },
        { key: 'status', label: App.t('company.col.status', 'Status'), value: d => dealStatus(d.status) },
        { key: 'amount', label: App.t('company.col.amount', 'Amount'), value: d => money(d.amount, d.currency) },
        { key: 'owner', label: App.t('company.col.owner', 'Owner'), value: d => App.name(d.owner) },
        { key: 'survey', label: App.t('company.survey.score', 'Satisfaction (1–5)'), value: d => d.status === 'Won' && App.can('claim.work') ? CompanyPage.surveyForm(d) : '' },
      ], null, App.t('company.deals.none', 'No deals yet.'))],
      orders: [App.t('company.orders', 'Orders'), c.orders, () => table(c.orders, [
        { key: 'id', label: App.t('company.col.order', 'Order'), value: o => link(`/orders.html?id=${o.id}`, o.id.slice(0, 8)) },
        { key: 'status', label: App.t('company.col.status', 'Status'), value: o => App.t(`order.status.${o.status}`, o.status) },
        { key: 'total', label: App.t('company.col.total', 'Total'), value: o => money(o.total, o.currency) },
        { key: 'paid', label: App.t('company.col.paid', 'Paid'), value: o => money(o.paid, o.currency) },
        { key: 'balanceDue', label: App.t('company.col.balance', 'Balance due'), value: o => money(o.balanceDue, o.currency) },
      ], null, App.t('company.orders.none', 'No orders yet.'))],
      payments: [App.t('company.payments', 'Payments'), c.payments, () => table(c.payments, [
        { key: 'at', label: App.t('company.col.date', 'Date'), value: p => App.time(p.at) },
        { key: 'amount', label: App.t('company.col.amount', 'Amount'), value: p => p.amount == null ? '' : App.fmt.number(p.amount) },
        { key: 'text', label: App.t('company.col.what', 'What') },
      ], null, App.t('company.payments.none', 'No payments yet.'))],
      claims: [App.t('company.claims', 'Claims'), c.claims, () => table(c.claims, [
        { key: 'reason', label: App.t('company.col.reason', 'Reason'), value: x => link(`/claims.html?id=${x.id}`, App.t(`claim.reason.${x.reason}`, x.reason)) },
        { key: 'status', label: App.t('company.col.status', 'Status'), value: x => x.resolution ? App.t(`claim.resolution.${x.resolution}`, x.resolution) : App.t('claim.status.open', 'open') },
        { key: 'responsible', label: App.t('company.col.responsible', 'Responsible'), value: x => App.name(x.responsible) },
        { key: 'deadline', label: App.t('company.col.deadline', 'Deadline'), value: x => App.time(x.deadline) },
      ], null, App.t('company.claims.none', 'No claims.'))],
      // The calls of its contacts and leads, in the same call history as the lead and deal cards (who called, by name).
      calls: [App.t('company.calls', 'Calls'), [c.calls, c.contacts], () => c.calls.length
        ? App.el('div', { class: 'table-scroll' }, Calls.history(c.calls.map(x => ({ ...x, caller: [contactName(x.contactId), x.caller].filter(Boolean).join(' · ') }))))
        : App.empty(App.t('company.calls.none', 'No calls.'))],
      mails: [App.t('company.mails', 'Mails'), c.mails, () => table(c.mails, [
        { key: 'createdAt', label: App.t('company.col.date', 'Date'), value: x => App.time(x.createdAt) },
        { key: 'direction', label: App.t('company.col.direction', 'Direction'), value: x => x.direction === 'out'
          ? App.el('a', { href: `/deal.html?id=${x.dealId}` }, App.t('company.mails.out', 'sent from the deal')) : App.t('company.mails.in', 'received') },
        { key: 'email', label: App.t('company.col.emails', 'E-mail') },
        { key: 'need', label: App.t('company.col.need', 'Request') },
      ], x => ({ 'data-direction': x.direction }), App.t('company.mails.none', 'No mails.'))],
    };
    if (!CompanyPage.ui) {
      await App.loadProcesses();
      const forms = {
        contacts: CompanyPage.newContactForm(c), deals: CompanyPage.newDealForm(c),
        claims: App.can('claim.work') ? link(`/claims.html?companyId=${c.id}`, App.t('company.claims.new', 'New claim')) : null,
      };
      const ui = CompanyPage.ui = { summary: App.el('section', { class: 'panel', id: 'summary' }), slots: {}, signatures: new Map() };
      content.replaceChildren(ui.summary, ...Object.entries(lists).map(([id, [title]]) => CompanyPage.section(id, title, ui.slots[id] = App.el('div'), forms[id])));
    }
    const ui = CompanyPage.ui;
    ui.summary.replaceChildren(
      App.el('div', {}, App.t('company.loyalty', 'Loyalty'), ': ', App.el('strong', { id: 'loyalty', class: `badge loyalty-${c.loyalty}` }, CompanyPage.loyalty(c.loyalty)),
        c.satisfactionAverage != null ? App.el('span', { id: 'satisfaction' }, ' · ', App.t('company.satisfaction', 'satisfaction {score}/5', { score: App.fmt.number(c.satisfactionAverage) })) : null),
      App.el('div', { class: 'muted' }, [c.inn ? `${App.t('company.inn', 'INN')} ${c.inn}` : null, c.region, c.segment, c.department].filter(Boolean).join(' · ')),
      App.el('div', {}, App.t('company.history', '{won} won deals, {revenue} in the last year', { won: c.history.wonDeals, revenue: App.fmt.number(c.history.revenueLastYear) })));
    for (const [id, [, data, draw]] of Object.entries(lists)) {
      const signature = JSON.stringify(data);
      if (ui.signatures.get(id) === signature) continue;
      ui.signatures.set(id, signature);
      ui.slots[id].replaceChildren(draw());
    }
    // The new deal's contact choice follows the contacts without losing a choice being made.
    const contactChoice = document.querySelector('#newDeal select[name=contactId]');
    if (contactChoice) Merge.options(contactChoice, ['', ...c.contacts.map(x => x.id)], id => id ? contactName(id) || id : '—', contactChoice.value);
  },

  // The satisfaction call's survey for a won deal: a score from 1 to 5 and a comment (recording it completes the call task).
  surveyForm(d) {
    const message = App.el('span', { 'aria-live': 'polite' });
    const score = App.el('select', { name: 'score', 'aria-label': App.t('company.survey.score', 'Satisfaction (1–5)') },
      [5, 4, 3, 2, 1].map(n => App.el('option', { value: n }, String(n))));
    const comment = App.el('input', { name: 'comment', size: 12, 'aria-label': App.t('company.survey.comment', 'Comment') });
    const form = App.el('form', { class: 'survey', dataset: { deal: d.id } }, score, comment,
      App.el('button', { type: 'submit' }, App.t('company.survey.save', 'Save survey')), message);
    form.addEventListener('submit', e => {
      e.preventDefault();
      App.busy(form.querySelector('button'), async () => {
        const r = await App.api('POST', `/api/deals/${d.id}/satisfaction`, { score: Number(score.value), comment: comment.value || null });
        message.replaceChildren(r.ok ? App.t('company.survey.saved', 'Saved.') : App.problem(r));
      });
    });
    return form;
  },

  newContactForm(c) {
    if (!App.can('company.create')) return null;
    const message = App.el('div', { 'aria-live': 'polite' });
    const input = (name, label, attrs) => App.field(label, App.el('input', { name, size: 16, ...attrs }));
    const form = App.el('form', { class: 'controls', id: 'newContact' },
      input('name', App.t('company.col.name', 'Name'), { required: true }), input('position', App.t('company.col.position', 'Position')),
      input('phone', App.t('company.phone', 'Phone'), { type: 'tel' }), input('email', App.t('company.col.emails', 'E-mail'), { type: 'email' }),
      App.el('button', { type: 'submit' }, App.t('company.contact.add', 'Add contact')), message);
    form.addEventListener('submit', e => {
      e.preventDefault();
      const v = n => form.querySelector(`[name=${n}]`).value.trim() || null;
      App.busy(form.querySelector('button'), async () => {
        const r = await App.api('POST', `/api/companies/${c.id}/contacts`, { name: v('name'), position: v('position'), phone: v('phone'), email: v('email') });
        if (r.ok) { form.reset(); message.replaceChildren(); await CompanyPage.dossier(); } else message.replaceChildren(App.problem(r));
      });
    });
    return form;
  },

  newDealForm(c) {
    if (!App.can('deal.create')) return null;
    const message = App.el('div', { 'aria-live': 'polite' });
    const process = App.el('select', { name: 'processKind' });
    App.loadProcesses().then(list => process.replaceChildren(...list.map(p => App.el('option', { value: p.kind }, App.processName(p.kind)))));
    const contact = App.el('select', { name: 'contactId' }, App.el('option', { value: '' }, '—'), c.contacts.map(x => App.el('option', { value: x.id }, x.name || x.id)));
    const form = App.el('form', { class: 'controls', id: 'newDeal' },
      App.field(App.t('company.deal.process', 'Process'), process),
      App.field(App.t('company.deal.title', 'Title'), App.el('input', { name: 'title', required: true, size: 20 })),
      App.field(App.t('company.col.amount', 'Amount'), App.el('input', { name: 'amount', type: 'number', min: '0', step: '0.01', size: 10 })),
      App.field(App.t('company.deal.contact', 'Contact'), contact),
      App.el('button', { type: 'submit' }, App.t('company.deal.create', 'New deal')), message);
    form.addEventListener('submit', e => {
      e.preventDefault();
      const v = n => form.querySelector(`[name=${n}]`).value.trim();
      App.busy(form.querySelector('button'), async () => {
        const r = await App.api('POST', '/api/deals', { processKind: v('processKind'), title: v('title'), amount: v('amount') ? Number(v('amount')) : null,
          companyId: c.id, contactId: v('contactId') || null });
        if (r.ok) location.href = `/deal.html?id=${r.data.id}`; else message.replaceChildren(App.problem(r));
      });
    });
    return form;
  },
};
CompanyPage.init();
