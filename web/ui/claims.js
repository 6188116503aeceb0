// Customer claims (1C:ERP CRM): the list (open first, by deadline), a card with the journal and the actions the claim
// allows (hand on, escalate, resolve, note), and the new-claim form (on a shipped order or a company).
const Claims = {
  selected: App.param('id'),
  reasons: [],

  reason(r) {
    return App.t(`claim.reason.${r}`, { quality: 'quality', damage: 'damage in transit', shortage: 'shortage', 'wrong-item': 'wrong item', delay: 'delay',
      service: 'service', other: 'other' }[r] || r);
  },
  resolution(r) {
    return App.t(`claim.resolution.${r}`, { replacement: 'replacement', repair: 'repair', refund: 'refund', rejected: 'rejected' }[r] || r);
  },

  async init() {
    await App.start('claims');
    const reasons = await App.api('GET', '/api/claims/reasons');
    Claims.reasons = reasons.ok ? reasons.data : [];
    document.getElementById('filter').addEventListener('change', () => Claims.load());
    Claims.newForm();
    await Claims.load();
    if (Claims.selected) await Claims.show(Claims.selected);
    // Live like every page: the bell and the call pop-up; the list is read again after a lost connection comes back.
    await App.live(() => {}, () => Claims.load());
  },

  // One read of the list; Claims.load (below) is what runs it.
  async read() {
    const status = document.getElementById('filter').value;
    const result = await App.api('GET', `/api/claims${status ? `?status=${status}` : ''}`);
    const list = document.getElementById('list');
    if (!result.ok) { list.replaceChildren(App.problem(result)); return; }
    list.replaceChildren(App.table(result.data, [
      { key: 'company', label: App.t('claims.col.company', 'Customer'), value: c => c.companyId ? App.el('a', { href: `/company.html?id=${c.companyId}` }, c.company) : c.company },
      { key: 'reason', label: App.t('claims.col.reason', 'Reason'), value: c => Claims.reason(c.reason) },
      { key: 'responsible', label: App.t('claims.col.responsible', 'Responsible'), value: c => App.name(c.responsible) },
      { key: 'deadline', label: App.t('claims.col.deadline', 'Deadline'), value: c => App.el('span', { class: c.overdueAt && c.status === 'Open' ? 'badge lost' : '' }, App.time(c.deadline)) },
      { key: 'status', label: App.t('claims.col.status', 'Status'), value: c => c.resolution ? Claims.resolution(c.resolution) : App.t('claim.status.open', 'open') },
      { key: 'escalatedTo', label: App.t('claims.col.escalated', 'Escalated to'), value: c => App.name(c.escalatedTo) },
    ], c => ({ dataset: { claim: c.id }, tabindex: '0', style: 'cursor:pointer', onclick: () => Claims.show(c.id),
      onkeydown: e => { if (e.key === 'Enter') Claims.show(c.id); } }),
    App.t('claims.none', 'No claims. A claim is raised on a shipped order or on a customer.')));
  },

  newForm() {
    const host = document.getElementById('new');
    if (!App.can('claim.work')) return;
    const message = App.el('div', { 'aria-live': 'polite' });
    let company = null;
    const orderId = App.param('orderId');
    const companyId = App.param('companyId');
    const chosen = App.el('div', { id: 'claimCompany' });
    const picker = orderId ? App.el('div', {}, App.t('claims.order', 'Order {order}', { order: orderId.slice(0, 8) }))
      : companyId ? null : CompanyPicker.form(c => { company = c; chosen.replaceChildren(App.t('company.link.picked', 'Picked: {name}', { name: c.name })); });
    const reason = App.el('select', { name: 'reason' }, Claims.reasons.map(r => App.el('option', { value: r }, Claims.reason(r))));
    const input = (name, label, attrs) => App.field(label, App.el('input', { name, size: 12, ...attrs }));
    const form = App.el('form', { class: 'controls', id: 'newClaim' }, picker, chosen,
      App.field(App.t('claims.col.reason', 'Reason'), reason),
      App.field(App.t('claims.description', 'What happened'), App.el('textarea', { name: 'description', rows: 2, cols: 30 })),
      input('sku', App.t('claims.sku', 'SKU')), input('quantity', App.t('claims.quantity', 'Quantity'), { type: 'number', min: '0.001', step: 'any', size: 6 }),
      input('deadlineHours', App.t('claims.deadlineHours', 'Working hours to resolve'), { type: 'number', min: '1', step: '1', size: 6, value: '16' }),
      App.el('button', { type: 'submit', class: 'primary' }, App.t('claims.open', 'Open claim')), message);
    form.addEventListener('submit', e => {
      e.preventDefault();
      const v = n => form.querySelector(`[name=${n}]`).value.trim();
      App.busy(form.querySelector('button[type=submit]'), async () => {
        const items = v('sku') ? [{ sku: v('sku'), quantity: Number(v('quantity') || 1) }] : [];
        const r = await App.api('POST', '/api/claims', { orderId: orderId || null, companyId: companyId || company?.id || null, reason: v('reason'),
          description: v('description') || null, items, deadlineHours: v('deadlineHours') ? Number(v('deadlineHours')) : null });
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        message.replaceChildren();
        await Claims.load();
        await Claims.show(r.data.id);
      });
    });
    host.replaceChildren(App.el('details', { class: 'panel', open: Boolean(orderId || companyId) }, App.el('summary', {}, App.t('claims.new', 'New claim')), form));
  },

  async show(id) {
    Claims.selected = id;
    const detail = document.getElementById('detail');
    const result = await App.api('GET', `/api/claims/${id}`);
    if (!result.ok) { detail.replaceChildren(App.problem(result)); return; }
    const c = result.data;
    const message = App.el('div', { 'aria-live': 'polite' });
    const post = async (path, body) => {
      const r = await App.api('POST', `/api/claims/${id}/${path}`, body);
      if (r.ok) { await Claims.show(id); await Claims.load(); } else message.replaceChildren(App.problem(r));
    };
    const open = c.status === 'Open' && App.can('claim.work');
    const comment = App.el('input', { name: 'comment', size: 24 });
    const people = App.el('select', { name: 'responsible' }, App.pickable(c.department, ['manager', 'supervisor', 'engineer'])
      .map(p => App.el('option', { value: p.userName, selected: p.userName === c.responsible }, p.displayName)));
    const resolution = App.el('select', { name: 'resolution' }, ['replacement', 'repair', 'refund', 'rejected'].map(r => App.el('option', { value: r }, Claims.resolution(r))));
    const cost = App.el('input', { name: 'cost', type: 'number', min: '0', step: '0.01', size: 8 });
    const button = (cls, label, fn) => App.el('button', { type: 'button', class: cls, onclick: e => App.busy(e.currentTarget, fn) }, label);
    detail.replaceChildren(...[
      App.el('h2', {}, c.company, ' — ', Claims.reason(c.reason)),
      App.el('div', { id: 'claimStatus' }, c.resolution ? App.el('strong', { class: 'badge won' }, Claims.resolution(c.resolution)) : App.t('claim.status.open', 'open'),
        ' · ', App.t('claims.col.responsible', 'Responsible'), ': ', App.name(c.responsible),
        ' · ', App.t('claims.col.deadline', 'Deadline'), ': ', App.time(c.deadline),
        c.overdueAt ? App.el('span', { class: 'badge lost' }, ' ', App.t('claims.overdue', 'overdue')) : null,
        c.escalatedTo ? [' · ', App.t('claims.col.escalated', 'Escalated to'), ': ', App.el('span', { id: 'escalatedTo' }, App.name(c.escalatedTo))] : null),
      c.description ? App.el('p', {}, c.description) : null,
      c.orderId ? App.el('div', {}, App.el('a', { href: `/orders.html?id=${c.orderId}` }, App.t('claims.order', 'Order {order}', { order: c.orderId.slice(0, 8) }))) : null,
      c.items.length ? App.el('ul', {}, c.items.map(i => App.el('li', {}, `${i.sku} ${i.name || ''} × ${App.fmt.number(i.quantity)}`))) : null,
      c.cost != null ? App.el('div', {}, App.t('claims.cost', 'Cost'), ': ', App.fmt.number(c.cost)) : null,
      open ? App.el('div', { class: 'controls', id: 'claimActions' },
        App.field(App.t('claims.comment', 'Comment'), comment),
        App.field(App.t('claims.col.responsible', 'Responsible'), people),
        button('assign', App.t('claims.assign', 'Hand on'), () => post('assign', { responsible: people.value, comment: comment.value || null })),
        c.escalatedTo ? null : button('escalate', App.t('claims.escalate', 'Escalate'), () => post('escalate', { comment: comment.value || null })),
        App.field(App.t('claims.resolution', 'Resolution'), resolution), App.field(App.t('claims.cost', 'Cost'), cost),
        button('resolve primary', App.t('claims.resolve', 'Resolve'), () => post('resolve', { resolution: resolution.value, cost: cost.value ? Number(cost.value) : null,
          comment: comment.value || null })),
        button('note', App.t('claims.note', 'Add note'), () => post('notes', { text: comment.value }))) : null,
      message,
      App.el('h3', {}, App.t('claims.journal', 'Journal')),
      App.el('ol', { class: 'journal', reversed: true }, [...c.journal].reverse().map(a =>
        App.el('li', {}, App.el('span', { class: 'muted' }, `${App.time(a.at)} · ${App.name(a.actor)} · `), a.text)))].filter(Boolean));
  },
};
// One read at a time, and one more after it when asked meanwhile (the filter changed, a claim saved): two at once could
// be answered out of order, and the older, drawn last, would show the list for the filter from before.
Claims.load = App.serial(() => Claims.read());
Claims.init();
