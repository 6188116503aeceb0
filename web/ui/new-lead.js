// A lead taken by hand on the lead inbox (a walk-in, a phone call on a mobile, a fair): name, phone, e-mail, company
// and need, source "manual", POST /api/leads. A phone or address already known joins that customer's history (and
// their open lead or deal) instead of making a second lead; the page says which happened, in plain words.
const NewLead = {
  init() {
    if (!App.can('lead.create')) return;
    document.getElementById('newLeadSlot').replaceChildren(App.el('button', { type: 'button', id: 'newLead', class: 'primary',
      onclick: () => NewLead.open() }, App.t('leads.new', 'New lead')));
  },

  async open() {
    const input = (name, attrs) => App.el('input', { name, id: `newLead_${name}`, autocomplete: 'off', ...attrs });
    const name = input('name', { maxlength: 200 });
    const phone = input('phone', { type: 'tel', inputmode: 'tel', placeholder: '+7 912 345-67-89' });
    const email = input('email', { type: 'email' });
    const company = input('company', { maxlength: 200 });
    const need = App.el('textarea', { name: 'need', id: 'newLead_need', rows: 3 });
    const answer = await Dialog.open({
      id: 'newLeadDialog',
      title: App.t('leads.new.title', 'New lead'),
      fields: App.el('div', { class: 'new-lead-fields' },
        App.field(App.t('leads.new.name', 'Name'), name), App.field(App.t('leads.new.phone', 'Phone'), phone),
        App.field(App.t('leads.new.email', 'E-mail'), email), App.field(App.t('leads.new.company', 'Company'), company),
        App.field(App.t('leads.new.need', 'Need or comment'), need)),
      submitLabel: App.t('leads.new.create', 'Add lead'),
      submit: async () => {
        const text = e => e.value.trim() || null;
        const r = await App.api('POST', '/api/leads', { name: text(name), phone: text(phone), email: text(email), company: text(company), need: text(need), channel: 'Manual' });
        if (!r.ok) return { error: App.problem(r) };
        return { ...r.data, who: text(name) || text(phone) || text(email) };
      },
    });
    if (!answer || answer === true) return;
    NewLead.tell(answer);
    await Leads.reload?.();
  },

  // What happened, in plain words, with a link to what the inquiry landed on.
  tell({ outcome, who }) {
    const status = document.getElementById('newLeadStatus');
    const joined = outcome?.kind === 'JoinedHistory';
    const text = !joined ? App.t('leads.new.created', 'New lead for {who} added.', { who })
      : outcome.dealId ? App.t('leads.new.joinedDeal', '{who} is already a customer: the inquiry was added to their history and their open deal.', { who })
      : outcome.leadId ? App.t('leads.new.joinedLead', '{who} is already a customer: the inquiry was added to their history and their open lead.', { who })
      : App.t('leads.new.joined', '{who} is already a customer: the inquiry was added to their history.', { who });
    const told = joined && outcome.notified ? App.t('leads.new.notified', '{person} was told.', { person: App.name(outcome.notified) }) : null;
    const link = outcome?.dealId ? App.el('a', { href: `/deal.html?id=${outcome.dealId}` }, App.t('leads.new.openDeal', 'Open the deal'))
      : outcome?.leadId ? App.el('a', { href: `/leads.html?id=${outcome.leadId}` }, App.t('leads.new.openLead', 'Show the lead')) : null;
    status.replaceChildren(App.el('div', { class: `notice ${joined ? 'joined' : 'created'}`, role: 'status', dataset: { outcome: outcome?.kind || '' } },
      text, told ? ' ' : null, told, link ? ' ' : null, link));
  },
};
