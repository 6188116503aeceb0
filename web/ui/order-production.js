// Production readiness on the order page (issue 11): how far the order's production is and when it is expected, and
// for the warehouse or a supervisor a form to report a production order's progress. The deal shows the same.
const OrderProduction = {
  view(o, act, input, value) {
    if (o.productionPercent == null) return null;
    const text = o.productionExpectedOn
      ? App.t('deal.order.production', 'Production {percent}% ready, expected {date}', { percent: o.productionPercent, date: o.productionExpectedOn })
      : App.t('deal.order.productionDone', 'Production {percent}% ready', { percent: o.productionPercent });
    const open = (o.replenishments || []).filter(r => r.kind === 'Production' && ['Planned', 'InProduction'].includes(r.status));
    const forms = open.length && App.can('order.fulfil') && ['Approved', 'Execution'].includes(o.status)
      ? open.map(r => {
        const form = App.el('form', { class: 'controls', dataset: { replenishment: r.id } }, `${r.id} (${r.sku}) `,
          input('percent', App.t('orders.production.percent', 'Ready %'), { type: 'number', min: 0, max: 99, size: 4, value: r.progress ?? 0 }),
          input('expectedOn', App.t('orders.production.expected', 'Expected on'), { type: 'date', value: r.expectedOn }));
        form.append(act(App.t('orders.production.report', 'Report progress'), `replenishments/${encodeURIComponent(r.id)}/progress`,
          () => ({ percent: Number(value(form, 'percent')), expectedOn: value(form, 'expectedOn') || null })));
        form.addEventListener('submit', e => { e.preventDefault(); form.querySelector('button')?.click(); });
        return form;
      })
      : [];
    return App.el('div', { id: 'orderProduction' }, App.el('strong', {}, text), forms);
  },
};
