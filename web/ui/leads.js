const Leads = {
  async init() {
    await App.start('leads');
    for (const id of ['mine', 'closed']) document.getElementById(id).addEventListener('change', () => Leads.load());
    await Leads.load();
    const reload = App.serial(() => Leads.load());
    await App.live(kind => { if (kind === 'lead') reload(); }, reload);
  },

  people: [],

  async load() {
    if (!Leads.people.length && App.can('lead.assign')) {
      const managers = await App.api('GET', '/api/managers');
      Leads.people = Array.isArray(managers.data) ? managers.data.map(w => w.user) : [];
    }
    const query = new URLSearchParams({ status: 'all', limit: '300' });
    if (document.getElementById('mine').checked) query.set('assignee', App.me.userName);
    const leads = (await App.api('GET', `/api/leads?${query}`)).data;
    const showClosed = document.getElementById('closed').checked;
    const focus = App.param('id');
    const contact = App.param('contact'); // a notification's link to one customer's leads
    document.querySelector('#leads tbody').replaceChildren(...leads
      .filter(l => !contact || l.contactId === contact)
      .filter(l => showClosed || !['Converted', 'Disqualified'].includes(l.status) || l.id === focus || l.contactId === contact)
      .map(Leads.row));
  },

  row(l) {
    const message = App.el('div');
    const reply = async r => { if (r.ok) await Leads.load(); else message.replaceChildren(App.problem(r)); };
    const open = !['Converted', 'Disqualified'].includes(l.status);
    const reason = App.el('input', { placeholder: 'reason', size: 10, name: 'reason' });
    const process = App.el('select', { name: 'process' }, ['industrial-equipment', 'training-sales', 'order-driven'].map(p => App.el('option', { value: p }, p)));
    const needs = App.el('input', { placeholder: 'needs', size: 12, name: 'needs' });
    const legal = App.el('input', { placeholder: 'legal details', size: 12, name: 'legal' });
    const contacts = App.el('input', { placeholder: 'contacts', size: 12, name: 'contacts' });
    // Only the actions the API allows this user (GET /api/auth/me): no Take/Qualify/Convert without lead.work.
    const supervises = App.can('lead.assign');
    const works = App.can('lead.work');
    const who = App.el('select', { name: 'assignee' }, Leads.people.map(p => App.el('option', { value: p }, p)));
    const actions = open ? [
      works ? [App.el('button', { onclick: async () => reply(await App.api('POST', `/api/leads/${l.id}/take`)) }, 'Take'), ' '] : null,
      supervises ? [who, App.el('button', { onclick: async () => reply(await App.api('POST', `/api/leads/${l.id}/assign`, { assignee: who.value, reason: 'Assigned by supervisor' })) }, 'Assign'), ' '] : null,
      works ? [App.el('button', { onclick: async () => reply(await App.api('POST', `/api/leads/${l.id}/qualify`, {})) }, 'Qualify'), ' ',
        reason, App.el('button', { onclick: async () => reply(await App.api('POST', `/api/leads/${l.id}/disqualify`, { reason: reason.value })) }, 'Disqualify'),
        App.el('div', {}, process, needs, legal, contacts, App.el('button', { class: 'primary', onclick: async () => {
          const r = await App.api('POST', `/api/leads/${l.id}/convert`, { processKind: process.value, needs: needs.value, legalDetails: legal.value, contacts: contacts.value });
          if (r.ok && r.data?.dealId) location.href = `/deal.html?id=${r.data.dealId}`; else await reply(r);
        } }, 'Convert to deal'))] : null,
    ] : l.dealId ? [App.el('a', { href: `/deal.html?id=${l.dealId}` }, 'deal')] : [];
    return App.el('tr', { dataset: { lead: l.id } },
      App.el('td', {}, App.time(l.createdAt)), App.el('td', {}, l.channel),
      App.el('td', {}, l.name || '', App.el('div', { class: 'muted' }, [l.phone, l.email].filter(Boolean).join(' · '))),
      App.el('td', {}, l.company || '', App.el('div', { class: 'muted' }, l.need || '')),
      App.el('td', {}, l.assignee || '—', l.assignmentReason ? App.el('div', { class: 'muted' }, l.assignmentReason) : null),
      App.el('td', {}, l.status, (l.slaBreaches || []).map(b => App.el('span', { class: 'badge overdue' }, b))),
      App.el('td', {}, actions, message, Leads.history(l)));
  },

  // The lead's journal and the documents that came with its inquiries (mail attachments), loaded when opened.
  history(l) {
    const body = App.el('div');
    const details = App.el('details', { class: 'history', ontoggle: async () => {
      if (!details.open) return;
      const [journal, documents] = await Promise.all([App.api('GET', `/api/leads/${l.id}/journal`), App.api('GET', `/api/leads/${l.id}/documents`)]);
      body.replaceChildren(
        App.el('ul', { class: 'documents' }, (documents.data || []).map(d => App.el('li', {},
          App.el('a', { href: `/api/leads/${l.id}/documents/${d.id}`, download: d.fileName }, d.fileName), ` (${d.kind}, ${d.size} bytes)`))),
        App.el('ul', { class: 'journal' }, (journal.data || []).map(a => App.el('li', {}, `${App.time(a.at)} ${a.actor}: ${a.text}`))));
    } }, App.el('summary', {}, 'History and files'), body);
    return details;
  },
};
Leads.init();
