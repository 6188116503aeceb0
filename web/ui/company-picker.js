// Picking a company record: search by name or INN, or create it inline. Used by the deal card and the claims page.
const CompanyPicker = {
  // A small form: a search box, the matches as buttons, and "create" for a name nobody has yet. onPick({id, name}).
  form(onPick, initial) {
    const input = App.el('input', { type: 'search', name: 'companySearch', autocomplete: 'off', value: initial || '', size: 24,
      placeholder: App.t('company.picker.placeholder', 'name or INN') });
    const results = App.el('ul', { class: 'picker-results' });
    const message = App.el('div', { 'aria-live': 'polite' });
    const newest = App.newest();
    let timer = null;
    const run = async () => {
      const q = input.value.trim();
      const current = newest();
      const found = await App.api('GET', `/api/companies?search=${encodeURIComponent(q)}&limit=8`);
      if (!current()) return;
      if (!found.ok) { results.replaceChildren(App.el('li', {}, App.problem(found))); return; }
      const create = q.length > 1 && App.can('company.create') && !found.data.some(c => c.name.toLowerCase() === q.toLowerCase())
        ? App.el('li', {}, App.el('button', { type: 'button', class: 'create-company', onclick: e => App.busy(e.currentTarget, async () => {
          const made = await App.api('POST', '/api/companies', { name: q });
          if (made.ok) onPick(made.data); else message.replaceChildren(App.problem(made));
        }) }, App.t('company.picker.create', 'Create company "{name}"', { name: q }))) : null;
      results.replaceChildren(...found.data.map(c => App.el('li', {}, App.el('button', { type: 'button', class: 'pick-company', dataset: { id: c.id },
        onclick: () => onPick(c) }, c.name, c.inn ? App.el('small', {}, ` · ${c.inn}`) : null))), ...(create ? [create] : []));
    };
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
    input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); run(); } });
    if (initial) setTimeout(run, 0);
    return App.el('div', { class: 'company-picker' }, App.field(App.t('company.picker.label', 'Company'), input), results, message);
  },

  // The deal card's company line: a link to the company page, or a button to pick the record (old deals have only text).
  forDeal(d) {
    const link = d.companyId ? App.el('a', { href: `/company.html?id=${d.companyId}`, id: 'companyLink' }, d.company) : App.el('span', {}, d.company);
    const change = App.can('deal.change') ? App.el('button', { type: 'button', id: 'linkCompany', class: 'link-button', onclick: () => CompanyPicker.linkDeal(d) },
      d.companyId ? App.t('company.link.change', 'change') : App.t('company.link.pick', 'link the company record')) : null;
    return App.el('div', { id: 'company' }, App.t('company.label', 'Company'), ': ', link, ' ', change);
  },

  // The order's customer: a link to its company page (the order's record, else its deal's) and, once shipped, a claim on it.
  forOrder(o) {
    const line = App.el('div', { id: 'orderCompany' });
    const fill = companyId => line.replaceChildren(...[
      companyId ? App.el('a', { href: `/company.html?id=${companyId}` }, App.t('company.page', 'Company page')) : null,
      companyId && ['Shipped', 'Completed', 'Archived'].includes(o.status) && App.can('claim.work') ? ' · ' : null,
      ['Shipped', 'Completed', 'Archived'].includes(o.status) && App.can('claim.work')
        ? App.el('a', { href: `/claims.html?orderId=${o.id}`, id: 'claimOnOrder' }, App.t('company.claims.new', 'New claim')) : null].filter(Boolean));
    if (o.companyId || !o.dealId) fill(o.companyId);
    else App.api('GET', `/api/deals/${o.dealId}`).then(r => fill(r.ok ? r.data.companyId : null));
    return line;
  },

  async linkDeal(d) {
    let picked = null;
    const status = App.el('div', { 'aria-live': 'polite' });
    const body = [CompanyPicker.form(c => { picked = c; status.replaceChildren(App.t('company.link.picked', 'Picked: {name}', { name: c.name })); }, d.companyId ? '' : d.company), status];
    const chosen = await App.dialog('companyDialog', App.t('company.link.title', 'The deal\'s company'), body, [
      { id: 'linkCompanyOk', text: App.t('company.link.ok', 'Link'), primary: true, value: () => picked ?? undefined },
      { id: 'linkCompanyCancel', text: App.t('common.cancel', 'Cancel'), value: null }]);
    if (!chosen) return;
    const r = await App.api('POST', `/api/deals/${d.id}/company`, { companyId: chosen.id });
    if (r.ok && typeof DealCard !== 'undefined') DealCard.reload?.();
    else if (!r.ok) document.getElementById('company')?.append(App.problem(r));
  },
};
