const Supervisor = {
  deals: new Map(),
  seqs: new Map(),
  people: [],
  sort: { key: 'stuckSince', asc: true },
  rows: new Map(),

  async init() {
    await App.start('supervisor');
    document.querySelector('#stuck tbody').replaceChildren(App.el('tr', {}, App.el('td', { colspan: '7' }, App.loading(3))));
    await App.loadProcesses();
    document.getElementById('filter').addEventListener('input', () => Supervisor.render());
    document.getElementById('overdueOnly').addEventListener('change', () => Supervisor.render());
    for (const th of document.querySelectorAll('th[data-sort]')) {
      th.tabIndex = 0;
      const sort = () => {
        Supervisor.sort = { key: th.dataset.sort, asc: Supervisor.sort.key === th.dataset.sort ? !Supervisor.sort.asc : true };
        Supervisor.render();
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    }
    // Under a stream of deal changes the table is drawn once per frame and the side panels (three requests) refreshed
    // at most once a second.
    Supervisor.draw = App.perFrame(() => Supervisor.render());
    Supervisor.refreshSide = App.serial(() => Supervisor.side(), 1000);
    // Kept rows are not drawn again just because time passes: their "for" column counts on by itself.
    setInterval(() => { for (const cell of document.querySelectorAll('#stuck td.for[data-since]')) if (cell.dataset.since) cell.textContent = App.fmt.since(cell.dataset.since); }, 15000);
    await Supervisor.load();
    await App.live((kind, id, seq, card) => {
      if (kind !== 'deal' || !App.newer(Supervisor.seqs, id, seq)) return;
      Supervisor.reading?.note(id, card, seq);
      if (card.status === 'Open') Supervisor.deals.set(id, card); else Supervisor.deals.delete(id);
      Supervisor.draw();
      Supervisor.refreshSide();
    }, () => Supervisor.load());
  },

  async load() {
    const reading = Supervisor.reading = App.pushesDuringRead();
    const result = await App.api('GET', '/api/deals?limit=500');
    // A newer read started meanwhile (a reconnect): it draws, this one, answered late, would draw older rows over it.
    if (Supervisor.reading !== reading) return;
    Supervisor.reading = null;
    if (!result.ok) { document.getElementById('stuckState').replaceChildren(App.problem(result)); return; }
    const rows = [...reading.newest(result.data)];
    Supervisor.seqs = new Map(rows.map(([id, r]) => [id, r.seq]));
    Supervisor.deals = new Map(rows.filter(([, r]) => r.card.status === 'Open').map(([id, r]) => [id, r.card]));
    Supervisor.render();
    await Supervisor.refreshSide();
  },

  async side() {
    const [workload, tasks] = await Promise.all([App.api('GET', '/api/managers'), App.api('GET', '/api/tasks')]);
    // Leads and presence come from the department's lead queue.
    const queue = App.me.department && App.can('queue.read') ? await App.api('GET', `/api/queues/${App.me.department}`) : { ok: false };
    const members = new Map((queue.ok ? queue.data.members : []).map(m => [m.user, m]));
    const people = App.pickable(App.me.capabilities['deal.read'] === 'all' ? null : App.me.department, ['manager', 'supervisor']).map(p => p.userName);
    if (people.join() !== Supervisor.people.join()) { Supervisor.people = people; Supervisor.rows.clear(); Supervisor.draw(); }
    const present = m => !m ? '' : m.absent ? App.t('supervisor.absent', 'absent') : m.onShift ? App.t('common.yes', 'yes') : App.t('supervisor.offShift', 'off shift');
    App.draw(document.querySelector('#workload tbody'), (workload.ok ? workload.data : []).map(w =>
      App.el('tr', { dataset: { user: w.user } }, App.el('td', {}, App.name(w.user)), App.el('td', { class: 'open' }, w.openTasks),
        App.el('td', { class: 'overdue' }, w.overdueTasks), App.el('td', {}, w.openDeals),
        App.el('td', { class: 'leads' }, members.get(w.user)?.openLeads ?? ''),
        App.el('td', {}, present(members.get(w.user))))));
    const reviews = (tasks.ok ? tasks.data : []).filter(t => t.templateId === 'lost-review' || t.stage === 'lost' || t.title.startsWith('Review lost deal'));
    const title = t => App.taskTitle(App.processes.get(t.processKind), t, { title: t.dealTitle, lostReason: t.lostReason, owner: t.dealOwner });
    App.draw(document.getElementById('reviews'), (reviews.length ? reviews.map(t =>
      App.el('li', { dataset: { task: `${t.dealId}/${t.taskId}` } }, App.el('a', { href: `/deal.html?id=${t.dealId}` }, title(t)),
        ' — ', App.t('supervisor.reviewBy', '{who}, due {when}', { who: App.name(t.executor), when: App.fmt.dateTime(t.deadline) })))
      : [App.el('li', { class: 'muted' }, App.t('supervisor.noReviews', 'No lost deal is waiting for a review.'))]));
  },

  render() {
    const text = document.getElementById('filter').value.toLowerCase();
    const overdueOnly = document.getElementById('overdueOnly').checked;
    const { key, asc } = Supervisor.sort;
    const value = d => key === 'owner' || key === 'stuckOn' ? App.name(d[key]) : key === 'stageName' ? App.stageName(d.processKind, d.stage, d.stageName) : d[key];
    const rows = [...Supervisor.deals.values()]
      .filter(d => !overdueOnly || d.overdueTasks > 0)
      .filter(d => !text || [d.title, d.company, App.name(d.owner), App.stageName(d.processKind, d.stage, d.stageName), App.name(d.stuckOn)]
        .some(v => (v || '').toLowerCase().includes(text)))
      .sort((a, b) => (value(a) ?? '') < (value(b) ?? '') ? (asc ? -1 : 1) : (value(a) ?? '') > (value(b) ?? '') ? (asc ? 1 : -1) : 0);
    for (const th of document.querySelectorAll('#stuck th[data-sort]')) th.setAttribute('aria-sort', th.dataset.sort === key ? (asc ? 'ascending' : 'descending') : 'none');
    // The people list is part of each row (the reassign choice), so a change in it draws the rows again.
    App.keyedRows(document.querySelector('#stuck tbody'), rows, d => d.id, Supervisor.row, Supervisor.rows);
    App.stack(document.getElementById('stuck'));
    document.getElementById('stuckState').replaceChildren(rows.length ? '' : App.empty(Supervisor.deals.size
      ? App.t('supervisor.noMatch', 'No deal matches the filter. Clear the filter to see every open deal.')
      : App.t('supervisor.noDeals', 'No open deals in your department. New deals appear here as soon as they are opened.')));
  },

  row(d) {
    const who = App.el('select', { 'aria-label': App.t('supervisor.reassignTo', 'Reassign to') },
      App.el('option', { value: '' }, App.t('supervisor.pick', 'choose…')), Supervisor.people.map(p => App.el('option', { value: p }, App.name(p))));
    const message = App.el('span', { 'aria-live': 'polite' });
    const reassign = App.el('button', { type: 'button', onclick: e => App.busy(e.currentTarget, async () => {
      const deal = await App.api('GET', `/api/deals/${d.id}`);
      const task = deal.ok ? deal.data.stuckOn?.taskId : null;
      if (!task || !who.value) { message.textContent = task ? App.t('supervisor.pickSomeone', 'Choose someone first.') : App.t('supervisor.noTask', 'No open task.'); return; }
      const r = await App.api('POST', `/api/deals/${d.id}/tasks/${task}/reassign`, { executor: who.value, reason: App.t('supervisor.reason', 'Reassigned by supervisor') });
      message.replaceChildren(r.ok ? '' : App.problem(r));
    }) }, App.t('supervisor.reassign', 'Reassign'));
    const title = d.title && d.title !== d.company ? `${d.company}: ${d.title}` : d.company;
    return App.el('tr', { dataset: { id: d.id } },
      App.el('td', {}, App.el('a', { href: `/deal.html?id=${d.id}` }, title)),
      App.el('td', {}, App.stageName(d.processKind, d.stage, d.stageName)), App.el('td', {}, App.name(d.owner)),
      App.el('td', { class: 'stuck-on', dataset: { user: d.stuckOn || '' } }, App.name(d.stuckOn)),
      App.el('td', { class: 'for', dataset: { since: d.stuckSince || '' } }, d.stuckSince ? App.fmt.since(d.stuckSince) : ''),
      App.el('td', {}, d.overdueTasks ? App.el('span', { class: 'badge overdue' }, d.overdueTasks) : '0'),
      App.el('td', {}, who, ' ', reassign, message));
  },
};
Supervisor.init();
