// The lead inbox, live. Each lead is one row kept across pushes (see merge.js): a new web-form lead or a call updates
// the rows in place, so the convert fields, the reason and the choice of assignee being typed survive, and so does focus.
const Leads = {
  rows: new Map(),
  people: [],
  processes: [],

  async init() {
    await App.start('leads');
    // The page's own words in the user's language.
    document.querySelector('main h1').textContent = App.t('leads.title', 'Lead inbox');
    document.getElementById('mine').nextSibling.textContent = ' ' + App.t('leads.onlyMine', 'only mine');
    document.getElementById('closed').nextSibling.textContent = ' ' + App.t('leads.showClosed', 'show closed');
    document.querySelector('#leads thead tr').replaceChildren(...[App.t('leads.created', 'Created'), App.t('leads.channel', 'Channel'), App.t('leads.contact', 'Contact'),
      App.t('leads.companyNeed', 'Company / need'), App.t('leads.assignee', 'Assignee'), App.t('leads.status', 'Status'), App.t('leads.act', 'Act')].map(h => App.el('th', {}, h)));
    document.getElementById('leadsEmpty').textContent = App.t('leads.empty', 'No leads here. New web-form leads, mails and calls of your department appear as they come in.');
    const reload = Leads.reload = App.serial(() => Leads.load(), 250);
    NewLead.init();
    for (const id of ['mine', 'closed']) document.getElementById(id).addEventListener('change', reload);
    if (App.can('lead.assign')) {
      const managers = await App.api('GET', '/api/managers');
      Leads.people = Array.isArray(managers.data) ? managers.data.map(w => w.user) : [];
    }
    const processes = await App.api('GET', '/api/processes');
    Leads.processes = Array.isArray(processes.data) && processes.data.length
      ? processes.data.map(p => ({ kind: p.kind, name: p.name || p.kind }))
      : ['industrial-equipment', 'training-sales', 'order-driven'].map(kind => ({ kind, name: kind }));
    await reload();
    await App.live(kind => { if (kind === 'lead') reload(); }, reload);
  },

  async load() {
    const query = new URLSearchParams({ status: 'all', limit: '300' });
    if (document.getElementById('mine').checked) query.set('assignee', App.me.userName);
    const result = await App.api('GET', `/api/leads?${query}`);
    if (!result.ok || !Array.isArray(result.data)) return;
    const showClosed = document.getElementById('closed').checked;
    const focus = App.param('id');
    const contact = App.param('contact'); // a notification's link to one customer's leads
    const leads = result.data
      .filter(l => !contact || l.contactId === contact)
      .filter(l => showClosed || Leads.open(l) || l.id === focus || l.contactId === contact);
    const body = document.querySelector('#leads tbody');
    Merge.rows(body, leads, l => l.id, Leads.build, Leads.update, Leads.rows);
    App.stack(document.getElementById('leads'));
    document.getElementById('leadsEmpty').hidden = leads.length > 0;
  },

  open(l) { return !['Converted', 'Disqualified'].includes(l.status); },

  // The row and its forms, made once per lead; update() fills in what the server says.
  build(l) {
    const cell = () => App.el('td');
    const cells = { created: cell(), channel: cell(), contact: cell(), company: cell(), assignee: cell(), status: cell() };
    const message = App.el('div', { class: 'message' });
    const done = async r => {
      if (r.ok) { message.replaceChildren(); await Leads.reload(); return true; }
      message.replaceChildren(App.problem(r));
      return false;
    };
    const button = (text, action, attrs) => {
      const b = App.el('button', { type: 'button', ...attrs }, text);
      b.addEventListener('click', async () => {
        if (b.disabled) return;
        b.disabled = true;
        try { await action(); } finally { b.disabled = false; }
      });
      return b;
    };
    const label = (text, input) => App.el('label', { class: 'field' }, App.el('span', {}, text), input);
    const reason = App.el('input', { size: 10, name: 'reason', 'aria-label': App.t('leads.reason', 'Reason'), placeholder: App.t('leads.reasonHint', 'why not') });
    const process = App.el('select', { name: 'process' }, Leads.processes.map(p => App.el('option', { value: p.kind }, App.processName(p))));
    // A caller has no company yet: the deal needs one, so it is asked here (pre-filled when the lead has one).
    const company = App.el('input', { size: 14, name: 'company', value: l.company || '' });
    const needs = App.el('input', { size: 14, name: 'needs', value: l.need || '' });
    const legal = App.el('input', { size: 12, name: 'legal' });
    const contacts = App.el('input', { size: 12, name: 'contacts', value: [l.name, l.phone, l.email].filter(Boolean).join(', ') });
    // Nothing typed twice: the deal takes the lead's title, company and contact, and the lines agreed on the call.
    const dealTitle = App.el('input', { size: 18, name: 'title', value: [l.company || l.name, l.need].filter(Boolean).join(': ').slice(0, 200) });
    const contact = App.el('input', { size: 14, name: 'contact', value: l.name || '' });
    const lines = App.el('textarea', { name: 'lines', rows: 2, cols: 18, placeholder: 'SKU-100 × 2' });
    const who = App.el('select', { name: 'assignee', 'aria-label': App.t('leads.assignee', 'Assignee') }, Leads.people.map(p => App.el('option', { value: p }, App.name(p))));
    const take = App.can('lead.work') ? button(App.t('leads.take', 'Take'), async () => done(await App.api('POST', `/api/leads/${l.id}/take`))) : null;
    const assign = App.can('lead.assign') ? [who, button(App.t('leads.assign', 'Assign'), async () =>
      done(await App.api('POST', `/api/leads/${l.id}/assign`, { assignee: who.value, reason: App.t('leads.assignedBySupervisor', 'Assigned by supervisor') })))] : null;
    const disqualify = App.el('button', { type: 'submit' }, App.t('leads.disqualify', 'Disqualify'));
    // A form, so Enter in the reason disqualifies.
    const disqualifyForm = App.el('form', { class: 'inline-form' }, reason, disqualify);
    disqualifyForm.addEventListener('submit', async event => {
      event.preventDefault();
      if (disqualify.disabled) return;
      disqualify.disabled = true;
      try { await done(await App.api('POST', `/api/leads/${l.id}/disqualify`, { reason: reason.value })); } finally { disqualify.disabled = false; }
    });
    const work = App.can('lead.work') ? [
      button(App.t('leads.qualify', 'Qualify'), async () => done(await App.api('POST', `/api/leads/${l.id}/qualify`, {}))), ' ', disqualifyForm,
    ] : null;
    const convertButton = App.el('button', { type: 'submit', class: 'primary' }, App.t('leads.convert', 'Convert to deal'));
    const convert = App.can('lead.work') ? App.el('form', { class: 'convert' },
      label(App.t('leads.process', 'Process'), process), label(App.t('leads.company', 'Company'), company), label(App.t('leads.needs', 'Needs'), needs),
      label(App.t('leads.legal', 'Legal details'), legal), label(App.t('leads.contacts', 'Contacts'), contacts),
      label(App.t('deal.details.titleLabel', 'Title'), dealTitle), label(App.t('leads.convert.contact', 'Contact'), contact),
      label(App.t('leads.convert.lines', 'Lines (SKU × quantity, one per line)'), lines), convertButton) : null;
    convert?.addEventListener('submit', async event => {
      event.preventDefault();
      if (convertButton.disabled) return;
      convertButton.disabled = true;
      try {
        // "SKU-100 × 2", "SKU-100 x 2" or "SKU-100 2" per line; the catalog fills in name and price.
        const parsed = lines.value.split('\n').map(t => t.trim()).filter(Boolean).map(t => t.match(/^(\S+)\s*(?:[×x*]\s*)?(\d+(?:[.,]\d+)?)?$/i));
        const bad = parsed.findIndex(m => !m);
        if (bad >= 0) { message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('leads.convert.badLine', 'Line {n}: write SKU × quantity, e.g. SKU-100 × 2.', { n: bad + 1 }))); return; }
        const r = await App.api('POST', `/api/leads/${l.id}/convert`, { processKind: process.value, company: company.value || null, needs: needs.value, legalDetails: legal.value, contacts: contacts.value,
          title: dealTitle.value || null, contact: contact.value || null,
          lines: parsed.map(m => ({ sku: m[1], quantity: m[2] ? Number(m[2].replace(',', '.')) : 1 })) });
        if (r.ok && r.data?.dealId) location.href = `/deal.html?id=${r.data.dealId}`; else await done(r);
      } finally { convertButton.disabled = false; }
    });
    const actions = App.el('div', { class: 'actions' }, take, ' ', assign, ' ', work, convert);
    const dealLink = App.el('div', { class: 'deal-link' });
    const row = App.el('tr', { dataset: { lead: l.id } }, cells.created, cells.channel, cells.contact, cells.company, cells.assignee, cells.status,
      App.el('td', {}, actions, dealLink, message, Leads.history(l)));
    row.parts = { cells, actions, dealLink, take };
    return row;
  },

  update(row, l) {
    const { cells, actions, dealLink, take } = row.parts;
    row.dataset.seq = l.seq;
    cells.created.replaceChildren(App.time(l.createdAt));
    cells.channel.replaceChildren(l.channel);
    cells.contact.replaceChildren(l.name || '', App.el('div', { class: 'muted' }, [l.phone, l.email].filter(Boolean).join(' · ')));
    cells.company.replaceChildren(l.company || '', App.el('div', { class: 'muted' }, l.need || ''));
    cells.assignee.replaceChildren(l.assignee || '—', l.assignmentReason ? App.el('div', { class: 'muted' }, l.assignmentReason) : '');
    cells.status.replaceChildren(l.status, ...(l.slaBreaches || []).map(b => App.el('span', { class: 'badge overdue' }, b)));
    const open = Leads.open(l);
    actions.hidden = !open;
    if (take) take.hidden = Boolean(l.assignee);
    dealLink.replaceChildren(!open && l.dealId ? App.el('a', { href: `/deal.html?id=${l.dealId}` }, App.t('leads.deal', 'deal')) : '');
  },

  // The lead's journal, its customer's calls and the documents that came with its inquiries, loaded when opened.
  history(l) {
    const body = App.el('div');
    const details = App.el('details', { class: 'history', ontoggle: async () => {
      if (!details.open) return;
      const [journal, documents, calls] = await Promise.all([
        App.api('GET', `/api/leads/${l.id}/journal`), App.api('GET', `/api/leads/${l.id}/documents`),
        App.can('contact.read') ? App.api('GET', `/api/contacts/${l.contactId}/calls`) : Promise.resolve({ ok: false })]);
      const callList = calls.ok && Array.isArray(calls.data) ? calls.data : [];
      body.replaceChildren(
        App.el('ul', { class: 'documents' }, (documents.data || []).map(d => App.el('li', {},
          App.el('a', { href: `/api/leads/${l.id}/documents/${d.id}`, download: d.fileName }, d.fileName), App.t('leads.document', ' ({kind}, {size} bytes)', { kind: d.kind, size: d.size })))),
        App.el('h3', {}, App.t('leads.calls', 'Calls')),
        callList.length ? Calls.history(callList) : App.el('div', { class: 'muted' }, App.t('leads.noCalls', 'No calls.')),
        App.el('ul', { class: 'journal' }, (journal.data || []).map(a => App.el('li', {}, `${App.time(a.at)} ${a.actor}: ${a.text}`))));
    } }, App.el('summary', {}, App.t('leads.history', 'History, calls and files')), body);
    return details;
  },
};
Leads.init();
