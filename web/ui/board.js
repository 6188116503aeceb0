// The kanban: one column per stage of the chosen process, a card per deal, each column with its count and sum.
// Dragging a card, or its "move to…" menu (the phone's and the keyboard's way), asks the server to move the deal; a
// refusal (unmet gate, move not allowed) is shown on the card. On a phone the columns stack into a stage list.
const Board = {
  process: null,
  cards: new Map(),   // deal id -> card data
  seqs: new Map(),    // deal id -> newest seq shown
  reading: null,      // while a load reads: the pushes meanwhile (App.pushesDuringRead), which may be newer than the read

  // Days without activity after which a card turns amber, then red.
  rotDays: [7, 14],

  async init() {
    const me = await App.start('board');
    // Warehouse, marketing and engineers have their own pages: the board is the sales team's.
    if (App.home() !== '/board.html') { location.replace(App.home()); return; }
    document.getElementById('board').replaceChildren(App.loading(4));
    const processes = await App.loadProcesses();
    const select = document.getElementById('process');
    for (const p of processes) select.append(App.el('option', { value: p.kind }, App.processName(p)));
    select.value = await Board.preferredProcess(processes);
    if (me.capabilities['deal.read'] === 'all') {
      document.getElementById('departmentLabel').hidden = false;
      const departments = await App.api('GET', '/api/departments');
      for (const d of departments.ok ? departments.data : []) document.getElementById('department').append(App.el('option', { value: d.id }, d.name));
    }
    Board.owners();
    document.getElementById('department').addEventListener('change', () => { Board.owners(); Board.load(); });
    for (const id of ['process', 'owner']) document.getElementById(id).addEventListener('change', () => Board.load());
    Board.searchBox();
    await BoardFilters.init();
    await Board.load();
    await App.live((kind, id, seq, card) => { if (kind === 'deal') Board.upsert(card, seq); }, () => Board.load());
  },

  // The process asked for, else the one last looked at, else the one most of the user's deals run.
  async preferredProcess(processes) {
    const known = kind => kind && processes.some(p => p.kind === kind);
    if (known(App.param('process'))) return App.param('process');
    if (known(localStorage.getItem('board.process'))) return localStorage.getItem('board.process');
    const deals = await App.api('GET', '/api/deals?limit=500');
    const counts = new Map();
    for (const d of deals.ok ? deals.data : []) counts.set(d.processKind, (counts.get(d.processKind) || 0) + 1);
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    return known(best) ? best : processes[0]?.kind;
  },

  // The owner picker: active managers and supervisors of the department looked at.
  owners() {
    const select = document.getElementById('owner');
    const chosen = select.value;
    const department = document.getElementById('department').value || (App.me.capabilities['deal.read'] === 'all' ? null : App.me.department);
    select.replaceChildren(App.el('option', { value: '' }, App.t('board.everyone', 'everyone')),
      ...App.pickable(department, ['manager', 'supervisor']).map(p => App.el('option', { value: p.userName }, p.displayName)));
    if ([...select.options].some(o => o.value === chosen)) select.value = chosen;
  },

  filters() {
    return {
      process: document.getElementById('process').value,
      owner: document.getElementById('owner').value,
      department: document.getElementById('department').value,
    };
  },

  async load() {
    const f = Board.filters();
    if (!f.process) {
      document.getElementById('board').replaceChildren(App.empty(App.t('board.noProcess', 'No sales process is published yet. An administrator publishes one on the Processes API.')));
      return;
    }
    localStorage.setItem('board.process', f.process);
    const reading = Board.reading = App.pushesDuringRead();
    const query = new URLSearchParams({ process: f.process, status: 'all', limit: '500' });
    if (f.owner) query.set('owner', f.owner);
    if (f.department) query.set('department', f.department);
    const [definition, deals] = await Promise.all([
      App.api('GET', `/api/processes/${encodeURIComponent(f.process)}`),
      App.api('GET', `/api/deals?${query}`)]);
    // A newer read started meanwhile (another process, owner or department picked, a reconnect): it draws, this one,
    // answered late, would draw over it with the filter from before.
    if (Board.reading !== reading) return;
    Board.reading = null;
    if (!definition.ok || !deals.ok) { document.getElementById('board').replaceChildren(App.problem(definition.ok ? deals : definition)); return; }
    Board.process = definition.data;
    App.processes.set(Board.process.kind, Board.process);
    // A newer push stays, with the read's win estimate while it is the same stage (a push carries none).
    const rows = reading.newest(deals.data, (pushed, read) =>
      ({ ...pushed.card, win: read && read.stage === pushed.card.stage ? read.win : pushed.card.win }));
    Board.cards.clear();
    Board.seqs.clear();
    Board.render();
    for (const { card, seq } of rows.values()) Board.upsert(card, seq, true);
    Board.totals();
    document.body.dataset.board = 'ready';
  },

  render() {
    const board = document.getElementById('board');
    board.replaceChildren(...Board.process.stages.map(stage => {
      const name = App.local(stage.name, stage.names);
      const column = App.el('section', { class: `column ${stage.outcome || ''}`, dataset: { stage: stage.id }, 'aria-label': name },
        App.el('h3', {}, App.el('span', { class: 'name' }, name), App.el('span', { class: 'count' }, '0'), App.el('span', { class: 'total' }), QuickAdd.button(stage, name)),
        App.el('div', { class: 'cards' }));
      column.addEventListener('dragover', e => { e.preventDefault(); column.classList.add('drop'); });
      column.addEventListener('dragleave', () => column.classList.remove('drop'));
      column.addEventListener('drop', e => { e.preventDefault(); column.classList.remove('drop'); Board.drop(e.dataTransfer.getData('text/plain'), stage); });
      return column;
    }));
  },

  matches(card) {
    const f = Board.filters();
    return card.processKind === f.process && (!f.owner || card.owner === f.owner) && (!f.department || card.department === f.department);
  },

  upsert(card, seq, quiet) {
    if (!App.newer(Board.seqs, card.id, seq)) return;
    // A push carries no model score (the grain does not know it): keep the loaded one while the deal stays in its stage.
    const before = Board.cards.get(card.id);
    if (!card.win) card = { ...card, win: before && before.stage === card.stage && before.win ? before.win : { probability: card.probability, source: 'stage' } };
    const focused = document.activeElement?.closest?.(`.card[data-id="${card.id}"]`) ? document.activeElement.className : null;
    document.querySelector(`.card[data-id="${card.id}"]`)?.remove();
    Board.cards.set(card.id, card);
    if (!quiet) Board.reading?.note(card.id, card, seq);
    const column = document.querySelector(`.column[data-stage="${CSS.escape(card.stage)}"]`);
    if (column && Board.matches(card)) {
      const element = Board.card(card);
      column.querySelector('.cards').append(element);
      // The keyboard user who moved the card keeps their place on it.
      if (focused) element.querySelector(`.${focused.split(' ')[0]}`)?.focus();
    }
    if (!quiet) Board.totals();
  },

  // Count and sum per column (per currency when deals are in several).
  totals() {
    for (const column of document.querySelectorAll('.column')) {
      const deals = [...Board.cards.values()].filter(d => d.stage === column.dataset.stage && Board.matches(d));
      const sums = new Map();
      for (const d of deals) sums.set(d.currency, (sums.get(d.currency) || 0) + Number(d.amount));
      column.querySelector('.count').textContent = App.fmt.number(deals.length);
      column.querySelector('.total').textContent = deals.length ? [...sums].map(([c, s]) => App.fmt.money(s, c)).join(' + ') : '';
      const cards = column.querySelector('.cards');
      if (!deals.length && !cards.querySelector('.empty-column')) cards.replaceChildren(App.el('div', { class: 'muted empty-column' }, App.t('board.emptyColumn', 'No deals here')));
      if (deals.length) cards.querySelector('.empty-column')?.remove();
    }
  },

  card(d) {
    const open = d.status === 'Open';
    const canMove = open && App.can('deal.move');
    const status = d.status === 'Won' ? App.el('span', { class: 'badge won' }, App.t('board.won', 'won'))
      : d.status === 'Lost' ? App.el('span', { class: 'badge lost' }, App.t('board.lost', 'lost')) : null;
    const overdue = d.overdueTasks > 0 ? App.el('span', { class: 'badge overdue' }, App.t('board.overdue', '{n} overdue', { n: d.overdueTasks })) : null;
    const idleDays = open && d.updatedAt ? Math.floor((Date.now() - new Date(d.updatedAt).getTime()) / 86400000) : 0;
    const rot = idleDays >= Board.rotDays[1] ? 2 : idleDays >= Board.rotDays[0] ? 1 : 0;
    const card = App.el('article', { class: `card${rot ? ' rot-' + rot : ''}`, draggable: canMove ? 'true' : 'false', dataset: { id: d.id } },
      App.el('a', { class: 'title', href: `/deal.html?id=${d.id}` }, d.company),
      d.title && d.title !== d.company ? App.el('div', {}, d.title) : null,
      App.el('div', { class: 'meta' }, `${App.fmt.money(d.amount, d.currency)} · ${App.name(d.owner)}`),
      open && d.win ? App.el('div', { class: 'meta win', dataset: { source: d.win.source },
        title: d.win.source === 'model' ? App.t('board.win.model', 'win probability from history') : App.t('board.win.stage', 'stage probability (not enough history yet)') },
        d.win.source === 'model' ? App.t('board.winModel', 'win {p}', { p: App.fmt.percent(d.win.probability) })
          : App.t('board.winStage', 'win {p} (stage)', { p: App.fmt.percent(d.win.probability) })) : null,
      d.stuckOn && open ? App.el('div', { class: 'meta stuck', dataset: { user: d.stuckOn } },
        App.t('board.stuck', 'waiting for {who} for {time}', { who: App.name(d.stuckOn), time: App.fmt.since(d.stuckSince) })) : null,
      rot ? App.el('div', { class: 'rot' }, App.t('board.idle', 'No activity for {d} days', { d: idleDays })) : null,
      App.el('div', { class: 'card-foot' }, overdue, status, canMove ? Board.moveMenu(d) : null));
    card.addEventListener('dragstart', e => e.dataTransfer.setData('text/plain', d.id));
    return card;
  },

  // "Move to…": the stages the process lets the deal go to from where it stands.
  moveMenu(d) {
    const stage = Board.process.stages.find(s => s.id === d.stage);
    const targets = (stage?.transitions || []).map(t => Board.process.stages.find(s => s.id === t.to)).filter(Boolean);
    if (!targets.length) return null;
    const label = App.t('board.moveTo', 'Move to…');
    const select = App.el('select', { class: 'move-to', 'aria-label': `${label} ${d.company}` },
      App.el('option', { value: '' }, label),
      targets.map(s => App.el('option', { value: s.id }, App.local(s.name, s.names))));
    select.addEventListener('change', async () => {
      const target = targets.find(s => s.id === select.value);
      if (!target) return;
      select.disabled = true;
      try { await Board.drop(d.id, target); } finally { select.disabled = false; select.value = ''; }
    });
    return select;
  },

  async drop(id, stage) {
    const card = Board.cards.get(id);
    if (!card || card.stage === stage.id) return;
    const body = { toStage: stage.id };
    if (stage.outcome === 'lost') {
      const lost = await Board.askReason(card);
      if (!lost) return;
      Object.assign(body, lost);
    }
    const result = await App.moveDeal(id, body);
    const element = document.querySelector(`.card[data-id="${id}"]`);
    element?.querySelector('.error')?.remove();
    if (!result.ok) { element?.append(Board.refusal(result)); return; }
    const moved = result.data;
    Board.upsert({ ...card, stage: moved.stage, stageName: moved.stageName, status: moved.status, stuckOn: moved.stuckOn?.user, stuckSince: moved.stuckOn?.since,
      probability: moved.probability, updatedAt: new Date().toISOString(), win: null }, moved.seq);
    Board.offerUndo(card, moved);
  },

  // For ten seconds the move can be taken back: back to the stage it came from, through the same move rules (offered
  // only where the process leads back there; a refusal then, a gate or a colleague's move meanwhile, is said in the toast).
  offerUndo(card, moved) {
    const from = Board.process.stages.find(s => s.id === card.stage);
    const now = Board.process.stages.find(s => s.id === moved.stage);
    if (!from || !now || moved.status !== 'Open' || !(now.transitions || []).some(t => t.to === from.id)) return;
    Toast.show(App.t('board.undo.moved', 'Moved “{deal}” to {stage}.', { deal: card.company, stage: App.local(now.name, now.names) }), {
      text: App.t('board.undo', 'Undo'),
      run: async () => {
        const back = await App.moveDeal(card.id, { toStage: from.id });
        if (!back.ok) return App.problem(back);
        const d = back.data;
        const current = Board.cards.get(card.id) || card;
        Board.upsert({ ...current, stage: d.stage, stageName: d.stageName, status: d.status, stuckOn: d.stuckOn?.user, stuckSince: d.stuckOn?.since,
          probability: d.probability, updatedAt: new Date().toISOString(), win: null }, d.seq);
        return null;
      },
    });
  },

  refusal(result) {
    const box = App.problem(result);
    box.append(' ', App.el('button', { type: 'button', onclick: () => box.remove() }, App.t('common.ok', 'OK')));
    return box;
  },

  // Lost is deliberate: a reason the person must choose (none is pre-set) and an optional comment.
  askReason(card) {
    const select = App.el('select', { id: 'lostReason', required: true },
      App.el('option', { value: '' }, App.t('board.lost.choose', 'Choose a reason…')),
      Board.process.lostReasons.map(r => App.el('option', { value: r }, App.lostReason(Board.process, r))));
    const comment = App.el('textarea', { id: 'lostComment', rows: 2 });
    const message = App.el('div');
    return App.dialog('lostDialog', App.t('board.lost.title', 'Why was "{deal}" lost?', { deal: card.company }), [
      App.field(App.t('board.lost.reason', 'Reason'), select), ' ', App.field(App.t('board.lost.comment', 'Comment'), comment), message],
      [{ id: 'confirmLost', danger: true, text: App.t('board.lost.confirm', 'Mark as lost'),
         value: () => {
           if (select.value) return { lostReason: select.value, comment: comment.value || undefined };
           message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('board.lost.needReason', 'Choose the reason the deal was lost.')));
           select.focus();
           return undefined;
         } },
       { id: 'cancelLost', text: App.t('common.cancel', 'Cancel'), value: null }]);
  },

  // Search across deals, leads, contacts and companies (GET /api/search, as far as the user may see each).
  searchBox() {
    const input = document.getElementById('search');
    const list = document.getElementById('searchResults');
    let timer = null, asked = 0;
    const run = async () => {
      const q = input.value.trim();
      if (q.length < 2) { list.hidden = true; list.replaceChildren(); return; }
      const ask = ++asked;
      const result = await App.api('GET', `/api/search?q=${encodeURIComponent(q)}`);
      if (ask !== asked) return;
      list.hidden = false;
      if (!result.ok) { list.replaceChildren(App.el('li', {}, App.problem(result))); return; }
      const kinds = { deal: App.t('search.deal', 'Deal'), lead: App.t('search.lead', 'Lead'), contact: App.t('search.contact', 'Contact'), company: App.t('search.company', 'Company') };
      const detail = h => h.kind === 'deal' ? [App.stageName(h.process, h.stage), App.name(h.person)].filter(Boolean).join(' · ')
        : [h.detail, h.person ? App.name(h.person) : null].filter(Boolean).join(' · ');
      const href = h => h.kind === 'deal' ? `/deal.html?id=${h.id}` : h.kind === 'lead' ? `/leads.html?id=${h.id}`
        : h.kind === 'company' ? `/company.html?id=${h.id}` : null;
      list.replaceChildren(...(result.data.length ? result.data.map(h => App.el('li', { dataset: { kind: h.kind, id: h.id } },
        App.el('span', { class: 'kind' }, kinds[h.kind] || h.kind), href(h) ? App.el('a', { href: href(h) }, h.title) : App.el('strong', {}, h.title),
        detail(h) ? App.el('span', { class: 'detail' }, detail(h)) : null))
        : [App.el('li', { class: 'muted' }, App.t('search.none', 'Nothing found. Try part of a name, a phone number or an e-mail address.'))]));
    };
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
    document.getElementById('searchForm').addEventListener('submit', e => { e.preventDefault(); clearTimeout(timer); run(); });
    input.addEventListener('keydown', e => { if (e.key === 'Escape') { list.hidden = true; } });
    document.addEventListener('click', e => { if (!e.target.closest('.search')) list.hidden = true; });
  },
};
Board.init();
