// The analytics dashboard: every chart and table is a report of /api/analytics with the same filter, exported with the
// same filter as CSV or XLSX, and reloaded when a deal change is pushed (debounced: a burst of moves is one reload).
const Analytics = {
  charts: {},
  timer: null,

  async init() {
    const me = await App.start('analytics');
    const form = document.getElementById('filters');
    const processes = await App.api('GET', '/api/processes');
    for (const p of processes.data || []) {
      if (![...form.process.options].some(o => o.value === p.kind)) form.process.append(App.el('option', { value: p.kind }, p.name));
    }
    const wide = ['admin', 'supervisor', 'marketer'].some(r => me.roles.includes(r));
    for (const d of wide ? ['industrial', 'training', 'projects'] : [me.department]) form.department.append(App.el('option', { value: d }, d));
    if (!wide) { form.department.value = me.department; form.department.disabled = true; }
    document.getElementById('contactsPanel').hidden = !wide || me.roles.includes('manager');
    form.addEventListener('submit', e => { e.preventDefault(); Analytics.load(); });
    document.getElementById('contacts').addEventListener('input', () => Analytics.links());
    await Analytics.load();
    await App.live(() => Analytics.soon(), () => Analytics.load());
    // Marketers get no department pushes: a slow poll keeps their page current too.
    setInterval(() => Analytics.load(), 60000);
  },

  soon() {
    clearTimeout(Analytics.timer);
    Analytics.timer = setTimeout(() => Analytics.load(), 1000);
  },

  query(extra) {
    const form = document.getElementById('filters');
    const q = new URLSearchParams();
    for (const name of ['process', 'department', 'owner']) if (form[name].value) q.set(name, form[name].value);
    if (form.from.value) q.set('from', form.from.value + 'T00:00:00Z');
    if (form.to.value) q.set('to', form.to.value + 'T00:00:00Z');
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return q.toString();
  },

  links() {
    for (const a of document.querySelectorAll('a.export[data-report]')) {
      a.href = `/api/analytics/${a.dataset.report}?${Analytics.query({ format: a.dataset.format || 'csv' })}`;
    }
    const c = document.getElementById('contacts');
    const f = document.getElementById('filters');
    const q = new URLSearchParams();
    if (f.department.value) q.set('department', f.department.value);
    if (f.process.value) q.set('process', f.process.value);
    if (c.equipmentType.value) q.set('equipmentType', c.equipmentType.value);
    if (c.status.value) q.set('status', c.status.value);
    document.getElementById('contactsCsv').href = `/api/exports/contacts?${q}&format=csv`;
    document.getElementById('contactsXlsx').href = `/api/exports/contacts?${q}&format=xlsx`;
  },

  async load() {
    Analytics.links();
    const [funnel, durations, forecast, lost, managers, probability] = await Promise.all([
      App.api('GET', '/api/analytics/funnel?' + Analytics.query()),
      App.api('GET', '/api/analytics/bottlenecks?' + Analytics.query()),
      App.api('GET', '/api/analytics/forecast?' + Analytics.query()),
      App.api('GET', '/api/analytics/lost?' + Analytics.query()),
      App.api('GET', '/api/analytics/managers?' + Analytics.query()),
      App.api('GET', '/api/analytics/probability'),
    ]);
    const failed = [funnel, durations, forecast, lost, managers].find(r => !r.ok);
    if (failed) { document.getElementById('updated').replaceChildren(App.problem(failed)); return; }

    const label = s => `${s.process} · ${s.stage}`;
    Analytics.chart('funnelChart', 'bar', funnel.data.map(label), [
      { label: 'entered', data: funnel.data.map(s => s.entered) },
      { label: 'passed', data: funnel.data.map(s => s.passed + s.won) },
      { label: 'lost', data: funnel.data.map(s => s.lost) },
    ]);
    Analytics.chart('durationChart', 'bar', durations.data.map(label), [
      { label: 'median', data: durations.data.map(s => s.medianHours) },
      { label: 'p90', data: durations.data.map(s => s.p90Hours) },
    ]);
    const months = forecast.data.months;
    Analytics.chart('forecastChart', 'bar', months.map(m => m.month.slice(0, 7)), [
      { label: 'expected (model)', data: months.map(m => m.expected) },
      { label: 'forecast made before', data: months.map(m => m.forecast), type: 'line' },
      { label: 'actual won', data: months.map(m => m.actual) },
    ]);
    document.getElementById('forecastTotals').textContent =
      `Next quarter ${App.money(forecast.data.nextQuarter, '')} · next year ${App.money(forecast.data.nextYear, '')} · next 12 months ${App.money(forecast.data.next12Months, '')}`;

    document.querySelector('#lost tbody').replaceChildren(...lost.data.map(g =>
      App.el('tr', {}, App.el('td', {}, g.by), App.el('td', {}, g.key), App.el('td', {}, g.deals), App.el('td', {}, App.money(g.amount, '')))));
    const pct = v => `${(v * 100).toFixed(1)} %`;
    document.querySelector('#managers tbody').replaceChildren(...managers.data.map(m =>
      App.el('tr', {}, App.el('td', {}, m.manager), App.el('td', {}, m.deals), App.el('td', {}, m.won), App.el('td', {}, m.lost),
        App.el('td', {}, pct(m.conversion)), App.el('td', {}, pct(m.overdueRate)), App.el('td', {}, App.money(m.revenueWon, '')))));
    const p = probability.ok ? probability.data : null;
    document.getElementById('probability').textContent = p
      ? `Win probability: ${p.openDeals} open deals scored; Brier score ${p.brier.model.toFixed(3)} (stage probability ${p.brier.stageBaseline.toFixed(3)}) on ${p.brier.samples} held-out visits.`
      : 'Win probability: not refreshed yet.';
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  },

  // Charts are drawn on canvas by Chart.js: labels are text, never markup.
  chart(id, type, labels, datasets) {
    const existing = Analytics.charts[id];
    if (existing) {
      existing.data.labels = labels;
      existing.data.datasets = datasets;
      existing.update('none');
      return;
    }
    Analytics.charts[id] = new Chart(document.getElementById(id), {
      type, data: { labels, datasets }, options: { animation: false, responsive: true, plugins: { legend: { position: 'bottom' } } },
    });
  },
};

Analytics.init();
