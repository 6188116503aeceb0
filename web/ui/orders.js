// Orders along their route. Only the actions the order's status allows (its "allowed" list, from the domain) and the
// user's capabilities permit are offered.
const Orders = {
  selected: App.param('id'),

  status(s) {
    return App.t(`order.status.${s}`, { Draft: 'draft', OnApproval: 'on approval', Allocating: 'allocating', Approved: 'approved', Rejected: 'rejected',
      Execution: 'in execution', Shipped: 'shipped', Completed: 'completed', Cancelled: 'cancelled', Archived: 'archived', Revision: 'in revision' }[s] || s);
  },

  stepStatus(s) {
    return App.t(`orders.step.${s}`, { Waiting: 'waiting', Pending: 'asked now', Approved: 'approved', Rejected: 'rejected', Dropped: 'dropped' }[s] || s);
  },

  // Whether the signed-in person may decide the step (the server checks again): holds its role (an admin also a
  // supervisor's step), is neither the order's responsible nor its creator, and approved no other step of the round.
  decides(o, round, step) {
    const me = App.me || {};
    const roles = me.roles || [];
    if (step.status !== 'Pending' || me.userName === o.responsible || me.userName === o.createdBy) return false;
    if (round.steps.some(s => s.status === 'Approved' && s.decidedBy === me.userName)) return false;
    return roles.includes(step.role) || (step.role === 'supervisor' && roles.includes('admin'));
  },

  // The route as it went, round by round: each step with its approver, condition, state, who decided, when and why.
  route(o) {
    const rounds = o.approval || [];
    if (!rounds.length) return [];
    const lang = App.lang || 'en';
    return [App.el('h3', {}, App.t('orders.route', 'Approval route')), ...rounds.slice().reverse().map(r => App.el('div', { class: 'route-round', dataset: { round: r.round } },
      App.el('h4', {}, App.t('orders.route.round', 'Round {n}: {outcome}', { n: r.round,
        outcome: r.outcome ? App.t(`orders.route.outcome.${r.outcome}`, { Approved: 'approved', Rejected: 'rejected', Cancelled: 'cancelled' }[r.outcome] || r.outcome) : App.t('orders.route.running', 'running') })),
      App.el('div', { class: 'table-scroll' }, App.table(r.steps, [
        { key: 'id', label: App.t('orders.route.step', 'Step'), value: s => (s.names && s.names[lang]) || s.id },
        { key: 'role', label: App.t('orders.route.approver', 'Approver'), value: s => (s.departmentHead ? App.t('orders.route.head', 'head of department') : s.role) + (s.assignee ? ` (${App.name(s.assignee)})` : '') },
        { key: 'condition', label: App.t('orders.route.condition', 'When'), value: s => s.condition || App.t('orders.route.always', 'always') },
        { key: 'status', label: App.t('orders.col.status', 'Status'), value: s => Orders.stepStatus(s.status) },
        { key: 'decidedBy', label: App.t('orders.route.decidedBy', 'Decided by'), value: s => s.decidedBy ? App.name(s.decidedBy) : '' },
        { key: 'decidedAt', label: App.t('orders.route.decidedAt', 'When decided'), value: s => App.fmt.dateTime(s.decidedAt) },
        { key: 'reason', label: App.t('orders.route.reason', 'Reason / comment'), value: s => s.reason || '' },
      ], s => ({ dataset: { step: s.id, status: s.status } })))))];
  },

  async init() {
    await App.start('orders');
    document.getElementById('newOrderSlot')?.replaceChildren(NewOrder.form(async o => { await Orders.load(); await Orders.show(o.id); }));
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
    App.draw(list, App.table(result.data, [
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

  // fresh: after one's own action the server's values replace the forms; a push keeps what is being typed (Merge.redraw).
  async show(id, fresh = false) {
    Orders.selected = id;
    const detail = document.getElementById('detail');
    const result = await App.api('GET', `/api/orders/${id}`);
    if (!result.ok) { detail.replaceChildren(App.problem(result)); return; }
    const o = result.data;
    const allowed = new Set(o.allowed || []);
    // One message element for the order shown, carried into every drawing of it: a refusal stays readable when a push
    // draws the order anew; another order, or one's own action that went through, starts it empty.
    if (fresh || detail.dataset.order !== id || !Orders.message) Orders.message = App.el('div', { 'aria-live': 'polite' });
    const message = Orders.message;
    const act = (label, path, body) => App.el('button', { type: 'button', onclick: e => App.busy(e.currentTarget, async () => {
      const payload = body ? body() : undefined;
      if (payload === null) return;
      const r = await App.api('POST', `/api/orders/${id}/${path}`, payload);
      if (r.ok) await Orders.show(id, true); else message.replaceChildren(App.problem(r));
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
    const running = (o.approval || []).filter(r => !r.outcome).slice(-1)[0];
    // Old orders sent for approval before routes have no round yet: the default route's one supervisor step.
    const round = running || { steps: [{ id: null, role: 'supervisor', status: 'Pending' }] };
    const mine = allowed.has('approve') && App.can('order.approve') ? round.steps.find(s => Orders.decides(o, round, s)) : null;
    if (allowed.has('submit') && App.can('order.change')) buttons.push(act(App.t('orders.submit', 'Submit for approval'), 'submit'));
    if (mine) buttons.push(act(App.t('orders.approveStep', 'Approve'), 'approve', () => ({ step: mine.id, comment: value(reason, 'reason').trim() || null })));
    if (allowed.has('resubmit') && App.can('order.change')) buttons.push(act(App.t('orders.resubmit', 'Resubmit for approval'), 'resubmit'));
    if (allowed.has('execute') && App.can('order.fulfil')) buttons.push(act(App.t('orders.execute', 'Start execution'), 'execution'));
    if (allowed.has('ship') && App.can('order.fulfil')) buttons.push(act(App.t('orders.ship', 'Ship reserved'), 'shipments'));
    if (allowed.has('invoice') && App.can('order.change')) buttons.push(act(App.t('orders.invoice', 'Invoice'), 'invoices', () => ({})));
    if (allowed.has('archive') && App.can('order.change')) buttons.push(act(App.t('orders.archive', 'Archive'), 'archive'));
    const contractOpen = ['Draft', 'OnApproval', 'Approved'].includes(o.status) && App.can('order.change');
    const paying = allowed.has('pay') && App.can('order.payment');
    const rejecting = Boolean(mine);
    const cancelling = allowed.has('cancel') && App.can('order.cancel');
    // Enter in a small form does its one action.
    contract.addEventListener('submit', e => { e.preventDefault(); contract.querySelector('button')?.click(); });
    payment.addEventListener('submit', e => { e.preventDefault(); payment.querySelector('button')?.click(); });
    reason.addEventListener('submit', e => e.preventDefault());
    if (contractOpen) contract.append(act(App.t('orders.setContract', 'Set contract'), 'contract', () => ({ contractNumber: value(contract, 'contractNumber'), paymentTerms: value(contract, 'paymentTerms') })));
    if (paying) payment.append(act(App.t('orders.pay', 'Record payment'), 'payments', () => ({ amount: Number(value(payment, 'amount')), paymentId: `ui-${Date.now()}` })));
    if (rejecting) reason.append(act(App.t('orders.reject', 'Reject'), 'reject', () => { const r = needReason(); return r && { ...r, step: mine.id }; }));
    // In revision the responsible changes quantities, prices and payment terms, then resubmits (a new round).
    const revising = allowed.has('revise') && App.can('order.change');
    const revise = App.el('form', { class: 'controls revise' },
      o.lines.map(l => App.el('span', {}, `${l.no}. ${l.sku} `,
        App.el('input', { name: `q${l.no}`, type: 'number', step: 'any', min: '0', value: l.quantity, size: 6, 'aria-label': App.t('orders.revise.quantity', 'Quantity of line {no}', { no: l.no }) }),
        ' × ', App.el('input', { name: `p${l.no}`, type: 'number', step: '0.01', min: '0', value: l.price, size: 8, 'aria-label': App.t('orders.revise.price', 'Price of line {no}', { no: l.no }) }))),
      input('revisedTerms', App.t('orders.paymentTerms', 'Payment terms'), { size: 18, value: o.paymentTerms || '' }));
    revise.addEventListener('submit', e => e.preventDefault());
    if (revising) revise.append(act(App.t('orders.revise', 'Save revision'), 'revise', () => ({
      lines: o.lines.map(l => ({ line: l.no, quantity: Number(value(revise, `q${l.no}`)), price: Number(value(revise, `p${l.no}`)) }))
        .filter(x => x.quantity !== o.lines.find(l => l.no === x.line).quantity || x.price !== o.lines.find(l => l.no === x.line).price),
      paymentTerms: value(revise, 'revisedTerms').trim() || null,
    })));
    if (cancelling) { const cancel = act(App.t('orders.cancel', 'Cancel the order'), 'cancel', needReason); cancel.className = 'danger'; reason.append(cancel); }
    // The invoice and waybill PDFs, laid out from the order.
    const papers = (kind, numbers) => App.el('div', { class: 'controls' },
      numbers.map(n => [App.el('a', { href: `/api/orders/${id}/${kind}/${encodeURIComponent(n)}.pdf` }, `${n}.pdf`), ' ']));
    const m = key => x => App.fmt.money(x[key], o.currency);
    // replaceChildren would print a null as the text "null": the parts not shown are left out.
    const parts = [
      App.el('h2', { id: 'orderTitle', dataset: { companyId: o.companyId || '' } }, `${o.customer} — ${Orders.status(o.status)}`),
      typeof CompanyPicker === 'undefined' ? '' : CompanyPicker.forOrder(o),
      App.el('div', {}, App.t('orders.who', 'Responsible: {who} · warehouse {warehouse} · total {total} · paid {paid}',
        { who: App.name(o.responsible), warehouse: o.warehouse, total: App.fmt.money(o.total, o.currency), paid: App.fmt.money(o.paid, o.currency) }),
        o.dealId ? App.el('span', {}, ' · ', App.el('a', { href: `/deal.html?id=${o.dealId}` }, App.t('orders.deal', 'the deal'))) : null),
      buttons.length ? App.el('div', { class: 'controls' }, buttons) : null,
      o.rejectionReason && o.status === 'Revision' ? App.el('p', { class: 'error', role: 'status' }, App.t('orders.rejectedBecause', 'Rejected: {reason}', { reason: o.rejectionReason })) : null,
      revising ? revise : null,
      contractOpen ? contract : null, paying ? payment : null, rejecting || cancelling ? reason : null,
      !buttons.length && !contractOpen && !paying && !rejecting && !cancelling && !revising ? App.el('p', { class: 'muted' }, App.t('orders.nothingToDo', 'Nothing to do on this order in its current state.')) : null,
      message,
      ...Orders.route(o),
      App.el('h3', {}, App.t('orders.lines', 'Lines and allocation')), App.table(o.lines, ['no', 'sku', 'name', 'quantity', { key: 'price', value: m('price') }, 'fromStock', 'toProduce', 'toPurchase', 'reserved', 'shipped', 'waiting']),
      App.el('h3', {}, App.t('orders.replenishments', 'Production and supplier orders')), App.table(o.replenishments, null, null, App.t('orders.replenishments.none', 'Nothing to produce or buy.')),
      OrderProduction.view(o, act, input, value),
      App.el('h3', {}, App.t('orders.shipments', 'Shipments')), App.table(o.shipments, null, null, App.t('orders.shipments.none', 'Nothing shipped yet.')), papers('shipments', o.shipments.map(s => s.waybill)),
      App.el('h3', {}, App.t('orders.invoices', 'Invoices')), App.table(o.invoices, null, null, App.t('orders.invoices.none', 'No invoice yet.')), papers('invoices', o.invoices.map(i => i.number)),
      App.el('h3', {}, App.t('orders.payments', 'Payments')), App.table(o.payments, null, null, App.t('orders.payments.none', 'No payment yet.'))].filter(part => part !== null && part !== undefined);
    const draw = () => detail.replaceChildren(...parts);
    if (fresh || detail.dataset.order !== id) draw();
    else if (!App.drawsSame(detail, parts)) Merge.redraw(detail, draw);
    detail.dataset.order = id;
  },
};
Orders.init();
