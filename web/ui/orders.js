const Orders = {
  selected: App.param('id'),
  async init() {
    await App.start('orders');
    await Orders.load();
    if (Orders.selected) await Orders.show(Orders.selected);
    const reload = App.serial(async () => { await Orders.load(); if (Orders.selected) await Orders.show(Orders.selected); });
    await App.live(kind => { if (kind === 'order' || kind === 'deal') reload(); }, reload);
  },
  async load() {
    const items = (await App.api('GET', '/api/orders?limit=200')).data;
    document.getElementById('list').replaceChildren(App.table(items, ['customer', 'responsible', 'status', 'total', 'paid', 'balanceDue', 'currency', 'contractNumber', 'waiting'],
      o => ({ dataset: { order: o.id }, style: 'cursor:pointer', onclick: () => Orders.show(o.id) })));
  },
  async show(id) {
    Orders.selected = id;
    const result = await App.api('GET', `/api/orders/${id}`);
    const detail = document.getElementById('detail');
    if (!result.ok) { detail.replaceChildren(App.problem(result)); return; }
    const o = result.data;
    const message = App.el('div');
    const act = (label, path, body) => App.el('button', { onclick: async () => {
      const r = await App.api('POST', `/api/orders/${id}/${path}`, body ? body() : undefined);
      if (r.ok) await Orders.show(id); else message.replaceChildren(App.problem(r));
    } }, label);
    // The invoice and waybill PDFs, laid out from the order.
    const papers = (kind, numbers) => App.el('div', { class: 'controls' },
      numbers.map(n => [App.el('a', { href: `/api/orders/${id}/${kind}/${encodeURIComponent(n)}.pdf` }, `${n}.pdf`), ' ']));
    const contract = App.el('input', { placeholder: 'contract number', size: 14 });
    const terms = App.el('input', { placeholder: 'payment terms', size: 14 });
    const amount = App.el('input', { placeholder: 'payment amount', type: 'number', size: 10 });
    detail.replaceChildren(
      App.el('h2', {}, `${o.customer} — ${o.status}`),
      App.el('div', {}, `responsible ${o.responsible} · warehouse ${o.warehouse}`, o.dealId ? App.el('span', {}, ' · ', App.el('a', { href: `/deal.html?id=${o.dealId}` }, 'deal')) : null),
      App.el('div', { class: 'controls' }, act('Submit for approval', 'submit'), act('Approve (allocate)', 'approve', () => ({})),
        contract, terms, act('Set contract', 'contract', () => ({ contractNumber: contract.value, paymentTerms: terms.value })),
        act('Start execution', 'execution'), act('Ship reserved', 'shipments'), act('Invoice', 'invoices', () => ({})),
        amount, act('Record payment', 'payments', () => ({ amount: Number(amount.value), paymentId: `ui-${Date.now()}` }))),
      message,
      App.el('h3', {}, 'Lines and allocation'), App.table(o.lines, ['no', 'sku', 'name', 'quantity', 'price', 'fromStock', 'toProduce', 'toPurchase', 'reserved', 'shipped', 'waiting']),
      App.el('h3', {}, 'Production and supplier orders'), App.table(o.replenishments),
      App.el('h3', {}, 'Shipments'), App.table(o.shipments), papers('shipments', o.shipments.map(s => s.waybill)),
      App.el('h3', {}, 'Invoices'), App.table(o.invoices), papers('invoices', o.invoices.map(i => i.number)),
      App.el('h3', {}, 'Payments'), App.table(o.payments));
  },
};
Orders.init();
