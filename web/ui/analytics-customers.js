// The analytics page's customer sections: claims by reason, product and manager, and satisfaction by manager and
// process, with the page's period; reloaded when the filter is applied.
const CustomerAnalytics = {
  async read() {
    const form = document.getElementById('filters');
    const q = new URLSearchParams();
    if (form.from.value) q.set('from', form.from.value + 'T00:00:00Z');
    if (form.to.value) q.set('to', form.to.value + 'T00:00:00Z');
    if (form.department.value) q.set('department', form.department.value);
    const [claims, satisfaction] = await Promise.all([App.api('GET', `/api/analytics/claims?${q}`), App.api('GET', `/api/analytics/satisfaction?${q}`)]);
    const by = d => App.t(`analytics.by.${d}`, { reason: 'reason', product: 'product', manager: 'manager', process: 'process' }[d] || d);
    const key = r => r.dimension === 'manager' ? App.name(r.key) : r.dimension === 'reason' ? App.t(`claim.reason.${r.key}`, r.key)
      : r.dimension === 'process' ? App.processName(r.key) : r.key;
    const fill = (id, result, cells) => {
      const body = document.querySelector(`#${id} tbody`);
      if (!result.ok) { body.replaceChildren(App.el('tr', {}, App.el('td', { colspan: 7 }, App.problem(result)))); return; }
      body.replaceChildren(...result.data.map(r => App.el('tr', { dataset: { dimension: r.dimension, key: r.key } }, cells(r).map(c => App.el('td', {}, c)))));
      App.stack(body.closest('table'));
    };
    fill('claimStats', claims, r => [by(r.dimension), key(r), App.fmt.number(r.claims), App.fmt.number(r.open), App.fmt.number(r.overdue),
      App.fmt.number(r.cost), r.averageHoursToResolve == null ? '—' : App.fmt.number(r.averageHoursToResolve)]);
    fill('satisfaction', satisfaction, r => [by(r.dimension), key(r), App.fmt.number(r.surveys), App.fmt.number(r.averageScore)]);
  },
};
// One read at a time, one more after it when the filter is applied meanwhile: the older read never draws last.
CustomerAnalytics.load = App.serial(() => CustomerAnalytics.read());
document.getElementById('filters').addEventListener('submit', () => CustomerAnalytics.load());
// After the page's own start (language and header): then the names are the user's.
const customerAnalyticsStart = () => document.querySelector('header.top') ? CustomerAnalytics.load() : setTimeout(customerAnalyticsStart, 100);
customerAnalyticsStart();
