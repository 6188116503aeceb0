// Orders along their route. Only the actions the order's status allows (its "allowed" list, from the domain) and the
// user's capabilities permit are offered.
const Orders = {
  selected: App.param('id'),

  status(s) {
    return App.t(`order.status.${s}`, { Draft: 'draft', OnApproval: 'on approval', Allocating: 'allocating', Approved: 'approved', Rejected: 'rejected',
      Execution: 'in execution', Shipped: 'shipped', Completed: 'completed', Cancelled: 'cancelled', Archived: 'archived' }[s] || s);
  },

  async init() {
    await App.start('orders');
    document.getElementById('list').replaceChildren(App.loading(4));
    await Orders.load();
    if (Orders.selected) await Orders.show(Orders.selected);
    const reload = App.serial(async () => { await Orders.load(); if (Orders.selected) await Orders.show(Orders.selected); });
    await App.live(kind => { if (kind === 'order' || kind === 'deal') reload(); }, reload);
  },

  async load() {
    const result = await App.api('GET', '/api/orders?limit=200');
    const list = document.getElementById('list');
    if (!result.ok) { list.replaceChildren(App.problem(result)); return; }
    const money = key => o => App.fmt.money(o[key], o.currency);
    list.replaceChildren(App.table(result.data, [
      { key: 'customer', label: App.t('orders.col.customer', 'Customer') },
      { key: 'responsible', label: App.t('orders.col.responsible', 'Responsible'), value: o => App.name(o.responsible) },
      { key: 'status', label: App.t('orders.col.status', 'Status'), value: o => Orders.status(o.status) },
      { key: 'total', label: App.t('orders.col.total', 'Total'), value: money('total') },
      { key: 'paid', label: App.t('orders.col.paid', 'Paid'), value: money('paid') },
      { key: 'balanceDue', label: App.t('orders.col.balanceDue', 'Balance due'), value: money('balanceDue') },
      { key: 'contractNumber', label: App.t('orders.col.contract', 'Contract') },
      { key: 'waiting', label: App.t('orders.col.waiting', 'Waiting for goods'), value: o => o.waiting ? App.fmt.number(o.waiting) : '' },
      { key: 'createdAt', label: App.t('orders.col.created', 'Created'), value: o => App.fmt.date(o.createdAt) },
    ], o => ({ dataset: { order: o.id }, tabindex: '0', style: 'cursor:pointer', onclick: () => Orders.show(o.id),
      onkeydown: e => { if (e.key === 'Enter') Orders.show(o.id); } }),
    App.t('orders.none', 'No orders yet. Orders are made from a deal (its order stage) or imported from the old system.')));
  },

  async show(id) {
    Orders.selected = id;
    const detail = document.getElementById('detail');
    const result = await App.api('GET', `/api/orders/${id}`);
    if (!result.ok) { detail.replaceChildren(App.problem(result)); return; }
    const o = result.data;
    const allowed = new Set(o.allowed || []);
    const message = App.el('div', { 'aria-live': 'polite' });
    const act = (label, path, body) => App.el('button', { type: 'button', onclick: e => App.busy(e.currentTarget, async () => {
      const payload = body ? body() : undefined;
      if (payload === null) return;
      const r = await App.api('POST', `/api/orders/${id}/${path}`, payload);
      if (r.ok) await Orders.show(id); else message.replaceChildren(App.problem(r));
    }) }, label);
    const input = (name, label, attrs) => App.field(label, App.el('input', { name, ...attrs }));
    const value = (form, name) => form.querySelector(`[name=${name}]`).value;
    const reason = App.el('form', { class: 'controls' }, input('reason', App.t('orders.reason', 'Reason'), { size: 20 }));
    const needReason = () => {
      const text = value(reason, 'reason').trim();
      if (!text) { message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('orders.reason.needed', 'Write the reason first.'))); return null; }
      return { reason: text };
    };
    const contract = App.el('form', { class: 'controls' }, input('contractNumber', App.t('orders.contractNumber', 'Contract number'), { size: 14 }),
      input('paymentTerms', App.t('orders.paymentTerms', 'Payment terms'), { size: 14 }));
    const payment = App.el('form', { class: 'controls' }, input('amount', App.t('orders.amount', 'Amount ({currency})', { currency: o.currency }), { type: 'number', step: '0.01', min: '0.01', size: 10 }));
    const buttons = [];
    if (allowed.has('submit') && App.can('order.change')) buttons.push(act(App.t('orders.submit', 'Submit for approval'), 'submit'));
    if (allowed.has('approve') && App.can('order.approve')) buttons.push(act(App.t('orders.approve', 'Approve (allocate)'), 'approve', () => ({})));
    if (allowed.has('execute') && App.can('order.fulfil')) buttons.push(act(App.t('orders.execute', 'Start execution'), 'execution'));
    if (allowed.has('ship') && App.can('order.fulfil')) buttons.push(act(App.t('orders.ship', 'Ship reserved'), 'shipments'));
    if (allowed.has('invoice') && App.can('order.change')) buttons.push(act(App.t('orders.invoice', 'Invoice'), 'invoices', () => ({})));
    if (allowed.has('archive') && App.can('order.change')) buttons.push(act(App.t('orders.archive', 'Archive'), 'archive'));
    const contractOpen = ['Draft', 'OnApproval', 'Approved'].includes(o.status) && App.can('order.change');
    const paying = allowed.has('pay') && App.can('order.payment');
    const rejecting = allowed.has('reject') && App.can('order.approve');
    const cancelling = allowed.has('cancel') && App.can('order.cancel');
    // Enter in a small form does its one action.
    contract.addEventListener('submit', e => { e.preventDefault(); contract.querySelector('button')?.click(); });
    payment.addEventListener('submit', e => { e.preventDefault(); payment.querySelector('button')?.click(); });
    reason.addEventListener('submit', e => e.preventDefault());
    if (contractOpen) contract.append(act(App.t('orders.setContract', 'Set contract'), 'contract', () => ({ contractNumber: value(contract, 'contractNumber'), paymentTerms: value(contract, 'paymentTerms') })));
    if (paying) payment.append(act(App.t('orders.pay', 'Record payment'), 'payments', () => ({ amount: Number(value(payment, 'amount')), paymentId: `ui-${Date.now()}` })));
    if (rejecting) reason.append(act(App.t('orders.reject', 'Reject'), 'reject', needReason));
    if (cancelling) { const cancel = act(App.t('orders.cancel', 'Cancel the order'), 'cancel', needReason); cancel.className = 'danger'; reason.append(cancel); }
    // The invoice and waybill PDFs, laid out from the order.
    const papers = (kind, numbers) => App.el('div', { class: 'controls' },
      numbers.map(n => [App.el('a', { href: `/api/orders/${id}/${kind}/${encodeURIComponent(n)}.pdf` }, `${n}.pdf`), ' ']));
    const m = key => x => App.fmt.money(x[key], o.currency);
    detail.replaceChildren(
      App.el('h2', {}, `${o.customer} — ${Orders.status(o.status)}`),
      typeof CompanyPicker === 'undefined' ? '' : CompanyPicker.forOrder(o),
      App.el('div', {}, App.t('orders.who', 'Responsible: {who} · warehouse {warehouse} · total {total} · paid {paid}',
        { who: App.name(o.responsible), warehouse: o.warehouse, total: App.fmt.money(o.total, o.currency), paid: App.fmt.money(o.paid, o.currency) }),
        o.dealId ? App.el('span', {}, ' · ', App.el('a', { href: `/deal.html?id=${o.dealId}` }, App.t('orders.deal', 'the deal'))) : null),
      buttons.length ? App.el('div', { class: 'controls' }, buttons) : null,
      contractOpen ? contract : null, paying ? payment : null, rejecting || cancelling ? reason : null,
      !buttons.length && !contractOpen && !paying && !rejecting && !cancelling ? App.el('p', { class: 'muted' }, App.t('orders.nothingToDo', 'Nothing to do on this order in its current state.')) : null,
      message,
      App.el('h3', {}, App.t('orders.lines', 'Lines and allocation')), App.table(o.lines, ['no', 'sku', 'name', 'quantity', { key: 'price', value: m('price') }, 'fromStock', 'toProduce', 'toPurchase', 'reserved', 'shipped', 'waiting']),
      App.el('h3', {}, App.t('orders.replenishments', 'Production and supplier orders')), App.table(o.replenishments, null, null, App.t('orders.replenishments.none', 'Nothing to produce or buy.')),
      App.el('h3', {}, App.t('orders.shipments', 'Shipments')), App.table(o.shipments, null, null, App.t('orders.shipments.none', 'Nothing shipped yet.')), papers('shipments', o.shipments.map(s => s.waybill)),
      App.el('h3', {}, App.t('orders.invoices', 'Invoices')), App.table(o.invoices, null, null, App.t('orders.invoices.none', 'No invoice yet.')), papers('invoices', o.invoices.map(i => i.number)),
      App.el('h3', {}, App.t('orders.payments', 'Payments')), App.table(o.payments, null, null, App.t('orders.payments.none', 'No payment yet.')));
  },
};
Orders.init();
