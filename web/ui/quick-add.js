// Quick-add a deal from the board: a "+" in the header of the column where new deals start (the process's initial
// stage: POST /api/deals always opens a deal there), shown only to those who may create deals. A small form (title,
// company picked from the records or typed, amount, currency) creates it; the card appears in the column at once and
// the live push merges into it without touching anything else on the page.
const QuickAdd = {
  button(stage, stageName) {
    const process = Board.process;
    const initial = process.initialStage || process.stages[0]?.id;
    if (stage.id !== initial || !App.can('deal.create')) return null;
    return App.el('button', { type: 'button', class: 'quick-add', dataset: { stage: stage.id },
      'aria-label': App.t('board.quickAdd.label', 'New deal in {stage}', { stage: stageName }),
      title: App.t('board.quickAdd.label', 'New deal in {stage}', { stage: stageName }),
      onclick: () => QuickAdd.open(stage, stageName) }, '+');
  },

  // The currency most cards on the board are in (a Russian team's roubles), else euros.
  currency() {
    const counts = new Map();
    for (const d of Board.cards.values()) counts.set(d.currency, (counts.get(d.currency) || 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] || 'EUR';
  },

  async open(stage, stageName) {
    const process = Board.process;
    let picked = null;
    const title = App.el('input', { name: 'title', id: 'quickTitle', maxlength: 200, required: true, autocomplete: 'off' });
    const chosen = App.el('div', { class: 'muted', id: 'quickCompanyPicked', 'aria-live': 'polite' });
    const picker = CompanyPicker.form(c => { picked = c; chosen.textContent = App.t('company.link.picked', 'Picked: {name}', { name: c.name }); });
    const search = picker.querySelector('input');
    search.id = 'quickCompany';
    search.addEventListener('input', () => { if (picked && search.value.trim() !== picked.name) { picked = null; chosen.textContent = ''; } });
    const amount = App.el('input', { name: 'amount', id: 'quickAmount', type: 'number', min: 0, step: 'any', inputmode: 'decimal' });
    const currency = App.el('input', { name: 'currency', id: 'quickCurrency', size: 4, maxlength: 3, value: QuickAdd.currency(), autocapitalize: 'characters' });
    const created = await Dialog.open({
      id: 'quickAddDialog',
      title: App.t('board.quickAdd.title', 'New deal in {stage}', { stage: stageName }),
      fields: App.el('div', { class: 'quick-add-fields' },
        App.field(App.t('board.quickAdd.dealTitle', 'Title'), title), picker, chosen,
        App.el('div', { class: 'quick-add-money' },
          App.field(App.t('board.quickAdd.amount', 'Amount'), amount), ' ', App.field(App.t('board.quickAdd.currency', 'Currency'), currency))),
      submitLabel: App.t('board.quickAdd.create', 'Create deal'),
      submit: async () => {
        const company = picked ? null : search.value.trim();
        const r = await App.api('POST', '/api/deals', {
          processKind: process.kind, title: title.value.trim(),
          ...(picked ? { companyId: picked.id } : { company }),
          amount: amount.value === '' ? null : Number(amount.value), currency: currency.value.trim().toUpperCase() || null });
        if (!r.ok) return { error: App.problem(r) };
        return r.data;
      },
    });
    if (!created || created === true) return;
    // The card at once; the push that follows carries the same or a newer seq and merges into it.
    Board.upsert({ ...created, stuckOn: created.stuckOn?.user, stuckSince: created.stuckOn?.since, overdueTasks: 0,
      updatedAt: created.updatedAt || new Date().toISOString(), win: null }, created.seq);
    document.querySelector(`.card[data-id="${created.id}"] a.title`)?.focus();
  },
};
