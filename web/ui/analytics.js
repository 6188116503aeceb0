// The analytics dashboard: every chart and table is a report of /api/analytics with the same filter, exported with the
// same filter as CSV or XLSX, and reloaded when a deal change is pushed (debounced: a burst of moves is one reload).
const Analytics = {
  charts: {},
  timer: null,

  async init() {
    const me = await App.start('analytics');
    const form = document.getElementById('filters');
    const [processes, departments] = await Promise.all([App.loadProcesses(), App.api('GET', '/api/departments')]);
    for (const p of processes) {
      if (![...form.process.options].some(o => o.value === p.kind)) form.process.append(App.el('option', { value: p.kind }, App.processName(p)));
    }
    const wide = ['admin', 'supervisor', 'marketer'].some(r => me.roles.includes(r));
    Analytics.departments = departments.ok ? departments.data : [];
    for (const d of Analytics.departments.filter(d => wide || d.id === me.department)) form.department.append(App.el('option', { value: d.id }, d.name));
    if (!wide) { form.department.value = me.department; form.department.disabled = true; }
    // The manager picker: active managers and supervisors of the chosen department, from the server.
    const managers = () => {
      const chosen = form.owner.value;
      form.owner.replaceChildren(App.el('option', { value: '' }, App.t('analytics.everyone', 'everyone')),
        ...App.pickable(form.department.value || null, ['manager', 'supervisor']).map(p => App.el('option', { value: p.userName }, p.displayName)));
      if ([...form.owner.options].some(o => o.value === chosen)) form.owner.value = chosen;
    };
    managers();
    form.department.addEventListener('change', managers);
    document.getElementById('contactsPanel').hidden = !wide || me.roles.includes('manager');
    form.addEventListener('submit', e => { e.preventDefault(); Analytics.load(); });
    document.getElementById('contacts').addEventListener('input', () => Analytics.links());
    document.getElementById('bcgBy').addEventListener('change', () => Analytics.load());
    // Pushes of the own department arrive anyway; supervisors, admins and marketers also watch every department's
    // deal and lead changes (signals only). Groups do not survive a reconnect, so the watch is renewed with it.
    const watch = async connection => { if (wide && !me.roles.includes('manager')) await connection.invoke('WatchAnalytics'); };
    // The page listens first and reads once it is listening (App.live's read on connecting is the first read): the
    // reports are heavy queries, and reading before listening would read all of them twice at every open. Without a
    // live connection it reads anyway.
    try {
      Analytics.connection = await App.live(() => Analytics.soon(), async connection => { await watch(connection); await Analytics.load(); });
    } catch {
      await Analytics.load();
    }
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
    for (const name of ['status', 'source', 'region', 'list', 'loyalty']) if (c[name]?.value) q.set(name, c[name].value);
    document.getElementById('contactsCsv').href = `/api/exports/contacts?${q}&format=csv`;
    document.getElementById('contactsXlsx').href = `/api/exports/contacts?${q}&format=xlsx`;
  },

  // One read of every report; Analytics.load (below) is what runs it.
  async read() {
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

    // Stage names in the user's language; the process named only when the report spans several.
    const several = new Set(funnel.data.map(s => s.process)).size > 1;
    const label = s => several ? `${App.processName(s.process)} · ${App.stageName(s.process, s.stage)}` : App.stageName(s.process, s.stage);
    Analytics.chart('funnelChart', 'bar', funnel.data.map(label), [
      { label: App.t('analytics.entered', 'entered'), data: funnel.data.map(s => s.entered) },
      { label: App.t('analytics.passed', 'passed'), data: funnel.data.map(s => s.passed + s.won) },
      { label: App.t('analytics.lostSeries', 'lost'), data: funnel.data.map(s => s.lost) },
    ], true);
    Analytics.chart('durationChart', 'bar', durations.data.map(label), [
      { label: App.t('analytics.median', 'median'), data: durations.data.map(s => s.medianHours) },
      { label: App.t('analytics.p90', '9 in 10 deals within'), data: durations.data.map(s => s.p90Hours) },
    ], true);
    const months = forecast.data.months;
    const monthName = new Intl.DateTimeFormat(App.locale, { month: 'short', year: 'numeric' });
    Analytics.chart('forecastChart', 'bar', months.map(m => monthName.format(new Date(m.month))), [
      { label: App.t('analytics.expected', 'expected (model)'), data: months.map(m => m.expected) },
      { label: App.t('analytics.forecastBefore', 'forecast made before'), data: months.map(m => m.forecast), type: 'line' },
      { label: App.t('analytics.actual', 'actual won'), data: months.map(m => m.actual) },
    ]);
    const money = v => App.fmt.money(v, Analytics.currency);
    document.getElementById('forecastTotals').textContent = App.t('analytics.forecastTotals', 'Next quarter {quarter} · next year {year} · next 12 months {months}',
      { quarter: money(forecast.data.nextQuarter), year: money(forecast.data.nextYear), months: money(forecast.data.next12Months) });

    const by = g => App.t(`analytics.by.${g.by}`, g.by);
    const key = g => g.by === 'manager' ? App.name(g.key) : g.by === 'stage' ? Analytics.anyStageName(g.key) : g.by === 'reason' ? Analytics.reasonName(g.key) : g.key;
    Analytics.rows('#lost tbody', lost.data.map(g =>
      App.el('tr', {}, App.el('td', {}, by(g)), App.el('td', {}, key(g)), App.el('td', {}, App.fmt.number(g.deals)), App.el('td', {}, money(g.amount)))), 4);
    Analytics.rows('#managers tbody', managers.data.map(m =>
      App.el('tr', {}, App.el('td', {}, App.name(m.manager)), App.el('td', {}, App.fmt.number(m.deals)), App.el('td', {}, App.fmt.number(m.won)), App.el('td', {}, App.fmt.number(m.lost)),
        App.el('td', {}, App.fmt.percent(m.conversion)), App.el('td', {}, App.fmt.percent(m.overdueRate)), App.el('td', {}, money(m.revenueWon)))), 7);
    Analytics.leadFate(leads.data);
    await Analytics.receivables();
    Analytics.bcg(bcg.data);
    const p = probability.ok ? probability.data : null;
    // The Brier score explained in words: the mean squared gap between the predicted chance and what happened (0 is perfect).
    document.getElementById('probability').textContent = p
      ? App.t('analytics.probability', 'Win probability: {open} open deals scored. Its error on {samples} past stage visits it did not learn from is {model} (0 is perfect; the stage\'s fixed probability scores {stage}).',
        { open: App.fmt.number(p.openDeals), samples: App.fmt.number(p.brier.samples), model: p.brier.model.toFixed(3), stage: p.brier.stageBaseline.toFixed(3) })
      : App.t('analytics.probability.none', 'Win probability: not learned yet (it is refreshed every night from closed deals).');
    document.getElementById('updated').textContent = App.t('analytics.updated', 'updated {time}', { time: App.fmt.time(new Date()) });
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  },

  // Receivables by customer and age (days past the invoice due date), each row in its own currency.
  async receivables() {
    const department = document.getElementById('filters').department.value;
    const result = await App.api('GET', '/api/analytics/receivables' + (department ? `?department=${encodeURIComponent(department)}` : ''));
    if (!result.ok) { document.querySelector('#receivables tbody').replaceChildren(App.el('tr', {}, App.el('td', { colspan: '7' }, App.problem(result)))); return; }
    Analytics.rows('#receivables tbody', result.data.rows.map(r => {
      const m = v => App.fmt.money(v, r.currency);
      return App.el('tr', { dataset: { customer: r.customer } }, App.el('td', {}, r.customer), App.el('td', {}, m(r.notDue)), App.el('td', {}, m(r.days0To30)),
        App.el('td', {}, m(r.days31To60)), App.el('td', {}, m(r.days61To90)), App.el('td', { class: r.over90 > 0 ? 'error' : null }, m(r.over90)), App.el('td', {}, m(r.total)));
    }), 7);
  },

  // Amounts in reports are sums of the deals' amounts as stored; deals are opened in EUR unless another currency is given.
  currency: 'EUR',
  departments: [],

  anyStageName(stage) {
    for (const p of App.processes.values()) { const s = p.stages.find(x => x.id === stage); if (s) return App.local(s.name, s.names); }
    return stage;
  },
  reasonName(reason) {
    for (const p of App.processes.values()) if (p.lostReasonNames?.[reason]) return App.lostReason(p, reason);
    return reason;
  },
  // A table's rows, or one row saying there is nothing for this filter.
  rows(selector, rows, columns) {
    const body = document.querySelector(selector);
    body.replaceChildren(...(rows.length ? rows
      : [App.el('tr', {}, App.el('td', { colspan: String(columns), class: 'muted' }, App.t('analytics.empty', 'Nothing in this period for this filter. Widen the dates or clear the filter.')))]));
    // On a phone a report's rows become cards (six or seven columns do not fit 390 px).
    App.stack(body.closest('table'));
  },

  leadFate(rows) {
    const department = id => Analytics.departments.find(d => d.id === id)?.name || id;
    Analytics.rows('#leadFate tbody', rows.map(r =>
      App.el('tr', { dataset: { outcome: r.outcome } }, App.el('td', {}, App.t(`enum.${r.source}`, r.source)), App.el('td', {}, department(r.department)),
        App.el('td', {}, App.t(`enum.${r.outcome}`, r.outcome)), App.el('td', {}, r.reason || App.t(`enum.${r.status}`, r.status)), App.el('td', {}, App.fmt.number(r.leads)),
        App.el('td', {}, App.fmt.number(Math.round(r.medianHours * 10) / 10)), App.el('td', {}, App.fmt.number(Math.round(r.maxHours * 10) / 10)))), 7);
  },

  // One bubble per customer or product: x relative share, y growth (new ones drawn at the top), size revenue.
  bcg(m) {
    const colors = { Star: '#d4a106', CashCow: '#2e7d32', QuestionMark: '#1565c0', Dog: '#9e9e9e' };
    const top = Math.max(1, ...m.items.filter(i => i.growth !== null).map(i => i.growth));
    const biggest = Math.max(1, ...m.items.map(i => i.current));
    const datasets = Object.keys(colors).map(q => ({
      label: App.t(`analytics.quadrant.${q}`, { Star: 'star', CashCow: 'cash cow', QuestionMark: 'question mark', Dog: 'dog' }[q]), backgroundColor: colors[q],
      data: m.items.filter(i => i.quadrant === q).map(i => ({ x: i.relativeShare, y: i.growth ?? top, r: 4 + 16 * Math.sqrt(i.current / biggest), name: i.name || i.key })),
    }));
    const existing = Analytics.charts.bcgChart;
    if (existing) { existing.data.datasets = datasets; existing.update('none'); } else {
      Analytics.charts.bcgChart = new Chart(document.getElementById('bcgChart'), {
        type: 'bubble', data: { datasets },
        options: { animation: false, responsive: true, plugins: { legend: { position: 'bottom' },
          tooltip: { callbacks: { label: c => App.t('analytics.bcg.tooltip', '{name}: share {share}, growth {growth}', { name: c.raw.name, share: c.raw.x.toFixed(2), growth: App.fmt.percent(c.raw.y) }) } } },
          scales: { x: { title: { display: true, text: App.t('analytics.bcg.x', 'share of the leader (leader = 1)') }, min: 0, max: 1.05 }, y: { title: { display: true, text: App.t('analytics.growth', 'Growth') } } } },
      });
    }
    const pct = v => v === null ? App.t('analytics.new', 'new') : App.fmt.percent(v);
    document.getElementById('bcgNote').textContent = App.t('analytics.bcg.note', '{from} – {to} against {previousFrom} – {from}; high growth from {growth}, high share from {share} of the leader.',
      { from: App.fmt.date(m.from), to: App.fmt.date(m.to), previousFrom: App.fmt.date(m.previousFrom), growth: pct(m.thresholds.growth), share: App.fmt.number(m.thresholds.share) });
    const quadrant = q => App.t(`analytics.quadrant.${q}`, { Star: 'star', CashCow: 'cash cow', QuestionMark: 'question mark', Dog: 'dog' }[q] || q);
    Analytics.rows('#bcg tbody', m.items.map(i =>
      App.el('tr', { dataset: { quadrant: i.quadrant } }, App.el('td', {}, i.name ? `${i.name} (${i.key})` : i.key), App.el('td', {}, quadrant(i.quadrant)),
        App.el('td', {}, App.fmt.money(i.current, Analytics.currency)), App.el('td', {}, App.fmt.money(i.previous, Analytics.currency)), App.el('td', {}, pct(i.growth)),
        App.el('td', {}, App.fmt.number(Math.round(i.relativeShare * 100) / 100)))), 6);
  },

  // Charts are drawn on canvas by Chart.js: labels are text, never markup.
  // Many stages are drawn as horizontal bars, one row each, so no label overlaps another at any width.
  chart(id, type, labels, datasets, perStage) {
    const box = document.getElementById(id).parentElement;
    box.style.height = `${perStage ? Math.max(220, 60 + labels.length * 26) : 260}px`;
    const existing = Analytics.charts[id];
    if (existing) {
      existing.data.labels = labels;
      existing.data.datasets = datasets;
      existing.update('none');
      return;
    }
    Analytics.charts[id] = new Chart(document.getElementById(id), {
      type, data: { labels, datasets }, options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: perStage ? 'y' : 'x',
        locale: App.locale, plugins: { legend: { position: 'bottom' } } },
    });
  },
};

// Every reload (a push, the filter, the chart picker, a reconnect) goes through one queue: a read asked for while one
// runs is one more read after it. Two reads at once can finish out of order, and the older one, drawn last, would leave
// the page showing numbers from before the change that asked for the newer.
Analytics.load = App.serial(() => Analytics.read());

Analytics.init();
