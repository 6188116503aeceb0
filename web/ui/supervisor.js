const Supervisor = {
  deals: new Map(),
  seqs: new Map(),
  people: [],
  sort: { key: 'stuckSince', asc: true },
  rows: new Map(),

  async init() {
    await App.start('supervisor');
    document.getElementById('filter').addEventListener('input', () => Supervisor.render());
    document.getElementById('overdueOnly').addEventListener('change', () => Supervisor.render());
    for (const th of document.querySelectorAll('th[data-sort]')) {
      th.addEventListener('click', () => {
        Supervisor.sort = { key: th.dataset.sort, asc: Supervisor.sort.key === th.dataset.sort ? !Supervisor.sort.asc : true };
        Supervisor.render();
      });
    }
    // Under a stream of deal changes the table is drawn once per frame and the side panels (three requests) refreshed
    // at most once a second.
    Supervisor.draw = App.perFrame(() => Supervisor.render());
    Supervisor.refreshSide = App.serial(() => Supervisor.side(), 1000);
    // Kept rows are not drawn again just because time passes: their "for" column counts on by itself.
    setInterval(() => { for (const cell of document.querySelectorAll('#stuck td.for[data-since]')) if (cell.dataset.since) cell.textContent = App.duration(cell.dataset.since); }, 15000);
    await Supervisor.load();
    await App.live((kind, id, seq, card) => {
      if (kind !== 'deal' || !App.newer(Supervisor.seqs, id, seq)) return;
      if (card.status === 'Open') Supervisor.deals.set(id, card); else Supervisor.deals.delete(id);
      Supervisor.draw();
      Supervisor.refreshSide();
    }, () => Supervisor.load());
  },

  async load() {
    const deals = (await App.api('GET', '/api/deals?limit=500')).data;
    Supervisor.deals = new Map(deals.map(d => [d.id, d]));
    Supervisor.seqs = new Map(deals.map(d => [d.id, d.seq]));
    Supervisor.render();
    await Supervisor.refreshSide();
  },

  async side() {
    const workload = (await App.api('GET', '/api/managers')).data;
    // Leads and presence come from the department's lead queue.
    const queue = App.me.department ? await App.api('GET', `/api/queues/${App.me.department}`) : { ok: false };
    const members = new Map((queue.ok ? queue.data.members : []).map(m => [m.user, m]));
    const people = workload.map(w => w.user);
    if (people.join() !== Supervisor.people.join()) { Supervisor.people = people; Supervisor.rows.clear(); Supervisor.draw(); }
    document.querySelector('#workload tbody').replaceChildren(...workload.map(w =>
      App.el('tr', { dataset: { user: w.user } }, App.el('td', {}, w.user), App.el('td', { class: 'open' }, w.openTasks),
        App.el('td', { class: 'overdue' }, w.overdueTasks), App.el('td', {}, w.openDeals),
        App.el('td', { class: 'leads' }, members.get(w.user)?.openLeads ?? ''),
        App.el('td', {}, members.has(w.user) ? (members.get(w.user).absent ? 'absent' : members.get(w.user).onShift ? 'yes' : 'off shift') : ''))));
    const reviews = (await App.api('GET', '/api/tasks')).data.filter(t => t.stage === 'lost' || t.title.startsWith('Review lost deal'));
    document.getElementById('reviews').replaceChildren(...reviews.map(t =>
      App.el('li', {}, App.el('a', { href: `/deal.html?id=${t.dealId}` }, t.title), ` — ${t.executor}, due ${App.time(t.deadline)}`)));
  },

  render() {
    const text = document.getElementById('filter').value.toLowerCase();
    const overdueOnly = document.getElementById('overdueOnly').checked;
    const { key, asc } = Supervisor.sort;
    const rows = [...Supervisor.deals.values()]
      .filter(d => !overdueOnly || d.overdueTasks > 0)
      .filter(d => !text || [d.title, d.company, d.owner, d.stageName, d.stuckOn].some(v => (v || '').toLowerCase().includes(text)))
      .sort((a, b) => (a[key] ?? '') < (b[key] ?? '') ? (asc ? -1 : 1) : (a[key] ?? '') > (b[key] ?? '') ? (asc ? 1 : -1) : 0);
    // The people list is part of each row (the reassign choice), so a change in it draws the rows again.
    App.keyedRows(document.querySelector('#stuck tbody'), rows, d => d.id, Supervisor.row, Supervisor.rows);
  },

  row(d) {
    const who = App.el('select', {}, App.el('option', { value: '' }, '—'), Supervisor.people.map(p => App.el('option', { value: p }, p)));
    const message = App.el('span');
    const reassign = App.el('button', { onclick: async () => {
      const deal = (await App.api('GET', `/api/deals/${d.id}`)).data;
      const task = deal.stuckOn?.taskId;
      if (!task || !who.value) { message.textContent = task ? 'pick someone' : 'no open task'; return; }
      const r = await App.api('POST', `/api/deals/${d.id}/tasks/${task}/reassign`, { executor: who.value, reason: 'Reassigned by supervisor' });
      message.replaceChildren(r.ok ? '' : App.problem(r));
    } }, 'Reassign');
    return App.el('tr', { dataset: { id: d.id } },
      App.el('td', {}, App.el('a', { href: `/deal.html?id=${d.id}` }, `${d.company}: ${d.title}`)),
      App.el('td', {}, d.stageName), App.el('td', {}, d.owner), App.el('td', { class: 'stuck-on' }, d.stuckOn || ''),
      App.el('td', { class: 'for', dataset: { since: d.stuckSince || '' } }, d.stuckSince ? App.duration(d.stuckSince) : ''),
      App.el('td', {}, d.overdueTasks ? App.el('span', { class: 'badge overdue' }, d.overdueTasks) : '0'),
      App.el('td', {}, who, ' ', reassign, message));
  },
};
Supervisor.init();
