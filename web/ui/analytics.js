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
    document.getElementById('bcgBy').addEventListener('change', () => Analytics.load());
    await Analytics.load();
    // Pushes of the own department arrive anyway; supervisors, admins and marketers also watch every department's
    // deal and lead changes (signals only). Groups do not survive a reconnect, so the watch is renewed with it.
    const watch = async () => { if (wide && !me.roles.includes('manager')) await Analytics.connection?.invoke('WatchAnalytics'); };
    Analytics.connection = await App.live(() => Analytics.soon(), async () => { await watch(); await Analytics.load(); });
    await watch();
    document.body.dataset.watching = 'on';
  },

  // A burst of changes is one reload, a second after the last of them, at most every 5 s while changes keep coming.
  soon() {
    clearTimeout(Analytics.timer);
    Analytics.firstPending ??= Date.now();
    const wait = Math.max(0, Math.min(1000, Analytics.firstPending + 5000 - Date.now()));
    Analytics.timer = setTimeout(() => { Analytics.firstPending = null; Analytics.load(); }, wait);
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
      const extra = a.dataset.report === 'bcg' ? { by: document.getElementById('bcgBy').value } : {};
      a.href = `/api/analytics/${a.dataset.report}?${Analytics.query({ ...extra, format: a.dataset.format || 'csv' })}`;
    }
    const c = document.getElementById('contacts');
    const f = document.getElementById('filters');
    const q = new URLSearchParams();
    if (f.department.value) q.set('department', f.department.value);
    if (f.process.value) q.set('process', f.process.value);
    if (c.equipmentType.value) q.set('equipmentType', c.equipmentType.value);
    for (const name of ['status', 'source', 'region', 'list']) if (c[name].value) q.set(name, c[name].value);
    document.getElementById('contactsCsv').href = `/api/exports/contacts?${q}&format=csv`;
    document.getElementById('contactsXlsx').href = `/api/exports/contacts?${q}&format=xlsx`;
  },

  async load() {
    Analytics.links();
    const [funnel, durations, forecast, lost, managers, probability, leads, bcg] = await Promise.all([
      App.api('GET', '/api/analytics/funnel?' + Analytics.query()),
      App.api('GET', '/api/analytics/bottlenecks?' + Analytics.query()),
      App.api('GET', '/api/analytics/forecast?' + Analytics.query()),
      App.api('GET', '/api/analytics/lost?' + Analytics.query()),
      App.api('GET', '/api/analytics/managers?' + Analytics.query()),
      App.api('GET', '/api/analytics/probability'),
      App.api('GET', '/api/analytics/leads?' + Analytics.query()),
      App.api('GET', '/api/analytics/bcg?' + Analytics.query({ by: document.getElementById('bcgBy').value })),
    ]);
    const failed = [funnel, durations, forecast, lost, managers, leads, bcg].find(r => !r.ok);
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
    Analytics.leadFate(leads.data);
    Analytics.bcg(bcg.data);
    const p = probability.ok ? probability.data : null;
    document.getElementById('probability').textContent = p
      ? `Win probability: ${p.openDeals} open deals scored; Brier score ${p.brier.model.toFixed(3)} (stage probability ${p.brier.stageBaseline.toFixed(3)}) on ${p.brier.samples} held-out visits.`
      : 'Win probability: not refreshed yet.';
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  },

  leadFate(rows) {
    document.querySelector('#leadFate tbody').replaceChildren(...rows.map(r =>
      App.el('tr', { dataset: { outcome: r.outcome } }, App.el('td', {}, r.source), App.el('td', {}, r.department), App.el('td', {}, r.outcome),
        App.el('td', {}, r.reason || r.status), App.el('td', {}, r.leads), App.el('td', {}, r.medianHours.toFixed(1)), App.el('td', {}, r.maxHours.toFixed(1)))));
  },

  // One bubble per customer or product: x relative share, y growth (new ones drawn at the top), size revenue.
  bcg(m) {
    const colors = { Star: '#d4a106', CashCow: '#2e7d32', QuestionMark: '#1565c0', Dog: '#9e9e9e' };
    const top = Math.max(1, ...m.items.filter(i => i.growth !== null).map(i => i.growth));
    const biggest = Math.max(1, ...m.items.map(i => i.current));
    const datasets = Object.keys(colors).map(q => ({
      label: q, backgroundColor: colors[q],
      data: m.items.filter(i => i.quadrant === q).map(i => ({ x: i.relativeShare, y: i.growth ?? top, r: 4 + 16 * Math.sqrt(i.current / biggest), name: i.name || i.key })),
    }));
    const existing = Analytics.charts.bcgChart;
    if (existing) { existing.data.datasets = datasets; existing.update('none'); } else {
      Analytics.charts.bcgChart = new Chart(document.getElementById('bcgChart'), {
        type: 'bubble', data: { datasets },
        options: { animation: false, responsive: true, plugins: { legend: { position: 'bottom' },
          tooltip: { callbacks: { label: c => `${c.raw.name}: share ${c.raw.x.toFixed(2)}, growth ${(c.raw.y * 100).toFixed(0)} %` } } },
          scales: { x: { title: { display: true, text: 'relative share (leader = 1)' }, min: 0, max: 1.05 }, y: { title: { display: true, text: 'growth' } } } },
      });
    }
    const pct = v => v === null ? 'new' : `${(v * 100).toFixed(1)} %`;
    document.getElementById('bcgNote').textContent =
      `${m.from.slice(0, 10)} – ${m.to.slice(0, 10)} against ${m.previousFrom.slice(0, 10)} – ${m.from.slice(0, 10)}; high growth ≥ ${pct(m.thresholds.growth)}, high share ≥ ${m.thresholds.share} of the leader.`;
    document.querySelector('#bcg tbody').replaceChildren(...m.items.map(i =>
      App.el('tr', { dataset: { quadrant: i.quadrant } }, App.el('td', {}, i.name ? `${i.name} (${i.key})` : i.key), App.el('td', {}, i.quadrant),
        App.el('td', {}, App.money(i.current, '')), App.el('td', {}, App.money(i.previous, '')), App.el('td', {}, pct(i.growth)),
        App.el('td', {}, i.relativeShare.toFixed(2)))));
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
