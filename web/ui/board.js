// The kanban: one column per stage of the chosen process, a card per deal. Dragging a card asks the server to move
// the deal; a refusal (unmet gate, move not allowed) is shown on the card, exactly as the API words it.
const Board = {
  process: null,
  cards: new Map(),   // deal id -> card data
  seqs: new Map(),    // deal id -> newest seq shown

  async init() {
    const me = await App.start('board');
    const processes = (await App.api('GET', '/api/processes')).data;
    const select = document.getElementById('process');
    for (const p of processes) select.append(App.el('option', { value: p.kind }, p.name));
    const preferred = App.param('process') || { industrial: 'industrial-equipment', training: 'training-sales', projects: 'order-driven' }[me.department];
    if (preferred && processes.some(p => p.kind === preferred)) select.value = preferred;
    const owners = (await App.api('GET', '/api/managers')).data;
    for (const w of owners) document.getElementById('owner').append(App.el('option', { value: w.user }, w.user));
    if (me.roles.includes('admin')) {
      document.getElementById('departmentLabel').hidden = false;
      for (const d of ['industrial', 'training', 'projects']) document.getElementById('department').append(App.el('option', { value: d }, d));
    }
    for (const id of ['process', 'owner', 'department']) document.getElementById(id).addEventListener('change', () => Board.load());
    await Board.load();
    await App.live((kind, id, seq, card) => { if (kind === 'deal') Board.upsert(card, seq); }, () => Board.load());
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
    Board.process = (await App.api('GET', `/api/processes/${encodeURIComponent(f.process)}`)).data;
    const query = new URLSearchParams({ process: f.process, status: 'all', limit: '500' });
    if (f.owner) query.set('owner', f.owner);
    if (f.department) query.set('department', f.department);
    const deals = (await App.api('GET', `/api/deals?${query}`)).data;
    Board.cards.clear();
    Board.seqs.clear();
    Board.render();
    for (const deal of deals) Board.upsert(deal, deal.seq);
  },

  render() {
    const board = document.getElementById('board');
    board.replaceChildren(...Board.process.stages.map(stage => {
      const column = App.el('section', { class: `column ${stage.outcome || ''}`, dataset: { stage: stage.id } },
        App.el('h3', {}, stage.name, App.el('span', { class: 'count' }, '0')));
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

  upsert(card, seq) {
    if (!App.newer(Board.seqs, card.id, seq)) return;
    // A push carries no model score (the grain does not know it): keep the loaded one while the deal stays in its stage.
    const before = Board.cards.get(card.id);
    if (!card.win) card = { ...card, win: before && before.stage === card.stage && before.win ? before.win : { probability: card.probability, source: 'stage' } };
    document.querySelector(`.card[data-id="${card.id}"]`)?.remove();
    Board.cards.set(card.id, card);
    const column = document.querySelector(`.column[data-stage="${CSS.escape(card.stage)}"]`);
    if (column && Board.matches(card)) column.append(Board.card(card));
    Board.counts();
  },

  counts() {
    for (const column of document.querySelectorAll('.column')) column.querySelector('.count').textContent = column.querySelectorAll('.card').length;
  },

  card(d) {
    const status = d.status === 'Won' ? App.el('span', { class: 'badge won' }, 'won') : d.status === 'Lost' ? App.el('span', { class: 'badge lost' }, 'lost') : null;
    const overdue = d.overdueTasks > 0 ? App.el('span', { class: 'badge overdue', title: 'overdue tasks' }, `${d.overdueTasks} overdue`) : null;
    const card = App.el('article', { class: 'card', draggable: d.status === 'Open' ? 'true' : 'false', dataset: { id: d.id } },
      App.el('a', { class: 'title', href: `/deal.html?id=${d.id}` }, d.company),
      App.el('div', {}, d.title),
      App.el('div', { class: 'meta' }, `${App.money(d.amount, d.currency)} · ${d.owner}`),
      d.status === 'Open' ? App.el('div', { class: 'meta win', dataset: { source: d.win.source }, title: d.win.source === 'model' ? 'win probability from history' : 'stage probability (not enough history yet)' },
        `win ${Math.round(d.win.probability * 100)}%${d.win.source === 'model' ? '' : ' (stage)'}`) : null,
      d.stuckOn ? App.el('div', { class: 'meta stuck' }, `stuck on ${d.stuckOn} for ${App.duration(d.stuckSince)}`) : null,
      App.el('div', {}, overdue, status));
    card.addEventListener('dragstart', e => e.dataTransfer.setData('text/plain', d.id));
    return card;
  },

  async drop(id, stage) {
    const card = Board.cards.get(id);
    if (!card || card.stage === stage.id) return;
    const body = { toStage: stage.id };
    if (stage.outcome === 'lost') {
      const reason = await Board.askReason();
      if (!reason) return;
      body.lostReason = reason;
    }
    const result = await App.moveDeal(id, body);
    const element = document.querySelector(`.card[data-id="${id}"]`);
    element?.querySelector('.error')?.remove();
    if (!result.ok) { element?.append(Board.refusal(result)); return; }
    const moved = result.data;
    Board.upsert({ ...card, stage: moved.stage, stageName: moved.stageName, status: moved.status, stuckOn: moved.stuckOn?.user, stuckSince: moved.stuckOn?.since,
      probability: moved.probability, win: null }, moved.seq);
  },

  refusal(result) {
    const box = App.problem(result);
    box.append(App.el('button', { onclick: () => box.remove() }, 'OK'));
    return box;
  },

  askReason() {
    return new Promise(resolve => {
      const select = App.el('select', { id: 'lostReason' }, Board.process.lostReasons.map(r => App.el('option', { value: r }, r)));
      const close = value => { document.getElementById('modal').replaceChildren(); resolve(value); };
      document.getElementById('modal').replaceChildren(App.el('div', { class: 'modal' }, App.el('div', { class: 'panel' },
        App.el('h2', {}, 'Why was the deal lost?'), select, ' ',
        App.el('button', { class: 'primary', id: 'confirmLost', onclick: () => close(select.value) }, 'Mark lost'), ' ',
        App.el('button', { onclick: () => close(null) }, 'Cancel'))));
    });
  },
};
Board.init();
