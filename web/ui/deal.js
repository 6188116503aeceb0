// The deal card: everything about one deal, live. Every change to it (from anyone, on any node) reloads the card.
const DealCard = {
  id: App.param('id'),
  seq: -1,

  async init() {
    await App.start('board');
    await DealCard.load();
    await App.live((kind, id, seq) => { if (kind === 'deal' && id === DealCard.id && seq > DealCard.seq) DealCard.load(); }, () => DealCard.load());
  },

  async load() {
    const result = await App.api('GET', `/api/deals/${encodeURIComponent(DealCard.id)}`);
    const main = document.getElementById('deal');
    if (!result.ok) { main.replaceChildren(App.el('h1', {}, 'Deal'), App.problem(result)); return; }
    const deal = result.data;
    const [process, journal, people, orders] = await Promise.all([
      App.api('GET', `/api/processes/${deal.processKind}/versions/${deal.processVersion}`),
      App.api('GET', `/api/deals/${deal.id}/journal`),
      App.api('GET', '/api/managers'),
      App.api('GET', `/api/orders?dealId=${deal.id}`),
    ]);
    DealCard.seq = deal.seq;
    main.dataset.seq = deal.seq;
    main.replaceChildren(
      App.el('h1', {}, `${deal.company}: ${deal.title}`),
      DealCard.summary(deal),
      DealCard.moves(deal, process.data),
      App.el('section', { class: 'panel' }, App.el('h2', {}, 'Process map'), DealCard.map(deal, process.data, journal.data)),
      App.el('div', { class: 'grid' },
        DealCard.tasks(deal, people.data.map(p => p.user)),
        DealCard.parameters(deal, process.data),
        DealCard.documents(deal),
        DealCard.lines(deal)),
      await DealCard.orders(orders.ok ? orders.data : []),
      DealCard.environment(deal),
      DealCard.journal(deal, journal.data));
  },

  summary(d) {
    return App.el('section', { class: 'panel', id: 'summary' },
      App.el('div', {}, `${d.processKind} v${d.processVersion} · stage `, App.el('strong', { id: 'stage' }, d.stageName), ` · ${d.status}`,
        d.lostReason ? ` (${d.lostReason})` : '', ' · ', DealCard.win(d)),
      App.el('div', {}, `${App.money(d.amount, d.currency)} · owner ${d.owner} · ${d.department}${d.contact ? ' · contact ' + d.contact : ''}`),
      d.stuckOn ? App.el('div', { id: 'stuckOn' }, `Stuck on ${d.stuckOn.user} for ${App.duration(d.stuckOn.since)}${d.stuckOn.taskTitle ? ' — ' + d.stuckOn.taskTitle : ''}`) : null);
  },

  // The win probability: the history model's while it is current, else the stage's (said so, so nobody mistakes one for the other).
  win(d) {
    const w = d.win || { probability: d.probability, source: 'stage' };
    const text = w.source === 'model'
      ? `win probability ${Math.round(w.probability * 100)}% (from history${w.expectedClose ? ', expected close ' + w.expectedClose : ''})`
      : `win probability ${Math.round(w.probability * 100)}% (stage)`;
    return App.el('span', { id: 'winProbability', dataset: { source: w.source }, title: `stage probability ${Math.round(d.probability * 100)}%` }, text);
  },

  moves(d, process) {
    if (d.status !== 'Open') return null;
    const message = App.el('div', { id: 'moveMessage' });
    const reason = App.el('select', { id: 'lostReason' }, process.lostReasons.map(r => App.el('option', { value: r }, r)));
    const buttons = d.allowedMoves.map(to => {
      const stage = process.stages.find(s => s.id === to);
      return App.el('button', { class: 'primary', dataset: { move: to }, onclick: async () => {
        const body = { toStage: to };
        if (stage?.outcome === 'lost') body.lostReason = reason.value;
        const r = await App.moveDeal(d.id, body);
        if (r.ok) await DealCard.load(); else message.replaceChildren(App.problem(r));
      } }, `→ ${stage?.name || to}`);
    });
    return App.el('section', { class: 'panel' }, App.el('h2', {}, 'Move'), ...buttons.flatMap(b => [b, ' ']), ' lost reason: ', reason,
      d.missingToLeave.length ? App.el('div', { class: 'muted' }, 'To leave this stage: ', d.missingToLeave.join('; ')) : null, message);
  },

  map(d, process, journal) {
    const entered = new Map();
    for (const e of journal.filter(e => e.kind === 'StageChanged')) entered.set(e.subject, e.at);
    return App.el('div', { class: 'map' }, process.stages.map(stage => {
      const state = stage.id === d.stage ? 'current' : entered.has(stage.id) ? 'done' : 'pending';
      const tasks = d.tasks.filter(t => t.stage === stage.id);
      return App.el('div', { class: `stage ${state}`, dataset: { stage: stage.id } },
        App.el('strong', {}, stage.name), App.el('div', { class: 'muted' }, entered.has(stage.id) ? `entered ${App.time(entered.get(stage.id))}` : state),
        tasks.map(t => App.el('div', {}, `${t.title} — ${t.executor} (${t.status.toLowerCase()}${t.completedAt ? ' ' + App.time(t.completedAt) : ', due ' + App.time(t.deadline)})`)));
    }));
  },

  tasks(d, people) {
    const open = d.tasks.filter(t => t.status === 'Open');
    return App.el('section', { class: 'panel', id: 'tasks' }, App.el('h2', {}, 'Open tasks'), open.length ? null : App.el('div', { class: 'muted' }, 'none'),
      open.map(t => {
        const result = App.el('input', { placeholder: 'result' });
        const who = App.el('select', {}, people.map(p => App.el('option', { value: p, selected: p === t.executor }, p)));
        const message = App.el('div');
        const act = (url, body) => async () => { const r = await App.api('POST', url, body()); if (r.ok) await DealCard.load(); else message.replaceChildren(App.problem(r)); };
        return App.el('div', { class: 'task', dataset: { task: t.id } },
          App.el('div', {}, App.el('strong', {}, t.title), ` — ${t.executor}, due ${App.time(t.deadline)} `, t.overdueAt ? App.el('span', { class: 'badge overdue' }, 'overdue') : null),
          result, ' ', App.el('button', { class: 'primary', onclick: act(`/api/deals/${d.id}/tasks/${t.id}/complete`, () => ({ result: result.value })) }, 'Done'),
          ' ', who, ' ', App.el('button', { onclick: act(`/api/deals/${d.id}/tasks/${t.id}/reassign`, () => ({ executor: who.value })) }, 'Reassign'), message);
      }));
  },

  parameters(d, process) {
    const inputs = process.fields.map(f => {
      const input = f.type === 'choice'
        ? App.el('select', { name: f.name }, App.el('option', { value: '' }, '—'), f.choices.map(c => App.el('option', { value: c, selected: d.parameters[f.name] === c }, c)))
        : App.el('input', { name: f.name, value: d.parameters[f.name] ?? '' });
      return App.el('div', {}, App.el('label', {}, `${f.label || f.name} `, input));
    });
    const message = App.el('div');
    const save = App.el('button', { class: 'primary', disabled: d.status !== 'Open', onclick: async () => {
      const values = {};
      for (const input of inputs.map(i => i.querySelector('input, select'))) if ((d.parameters[input.name] ?? '') !== input.value) values[input.name] = input.value;
      if (!Object.keys(values).length) return;
      const r = await App.api('POST', `/api/deals/${d.id}/parameters`, values);
      if (r.ok) await DealCard.load(); else message.replaceChildren(App.problem(r));
    } }, 'Save');
    return App.el('section', { class: 'panel', id: 'parameters' }, App.el('h2', {}, 'Parameters'), inputs, save, message);
  },

  documents(d) {
    const kind = App.el('input', { placeholder: 'kind, e.g. proposal', size: 16 });
    const file = App.el('input', { type: 'file' });
    const message = App.el('div');
    const upload = App.el('button', { disabled: d.status !== 'Open', onclick: async () => {
      const form = new FormData();
      form.append('kind', kind.value);
      if (file.files[0]) form.append('file', file.files[0]);
      const r = await App.api('POST', `/api/deals/${d.id}/documents`, form, true);
      if (r.ok) await DealCard.load(); else message.replaceChildren(App.problem(r));
    } }, 'Attach');
    return App.el('section', { class: 'panel', id: 'documents' }, App.el('h2', {}, 'Documents'),
      App.el('ul', {}, d.documents.map(doc => App.el('li', {}, App.el('a', { href: `/api/deals/${d.id}/documents/${doc.id}` }, doc.fileName),
        ` — ${doc.kind}, stage ${doc.stage}, ${App.time(doc.attachedAt)} by ${doc.attachedBy}`))),
      kind, ' ', file, ' ', upload, message);
  },

  lines(d) {
    return App.el('section', { class: 'panel' }, App.el('h2', {}, 'Lines'),
      App.el('table', {}, App.el('tr', {}, App.el('th', {}, 'SKU'), App.el('th', {}, 'Name'), App.el('th', {}, 'Qty'), App.el('th', {}, 'Price')),
        d.lines.map(l => App.el('tr', {}, App.el('td', {}, l.sku), App.el('td', {}, l.name || ''), App.el('td', {}, l.quantity), App.el('td', {}, App.money(l.price, d.currency))))));
  },

  // The customer order made from the deal: its state, allocation and reservations, invoices and payments.
  async orders(list) {
    const section = App.el('section', { class: 'panel', id: 'orders' }, App.el('h2', {}, 'Order'));
    if (!list.length) { section.append(App.el('div', { class: 'muted' }, 'no order yet')); return section; }
    for (const item of list) {
      const o = (await App.api('GET', `/api/orders/${item.id}`)).data;
      section.append(
        App.el('div', {}, App.el('a', { href: `/orders.html?id=${o.id}` }, `${o.customer}: ${o.status}`),
          ` · total ${App.money(o.total, o.currency)} · paid ${App.money(o.paid, o.currency)} · balance due ${App.money(o.balanceDue ?? (o.total - o.paid), o.currency)}`),
        App.table(o.lines, ['sku', 'quantity', 'fromStock', 'toProduce', 'toPurchase', 'reserved', 'shipped', 'reservations']),
        App.el('h3', {}, 'Invoices'), App.table(o.invoices),
        App.el('h3', {}, 'Payments'), App.table(o.payments),
        App.el('h3', {}, 'Shipments'), App.table(o.shipments));
    }
    return section;
  },

  // Competitors, subcontractors and influential people, and how they relate to each other and to the customer.
  environment(d) {
    const nameOf = id => id === 'customer' ? `${d.company} (customer)` : (d.environment.find(p => p.id === id)?.name || id);
    const message = App.el('div');
    const kind = App.el('select', { name: 'kind' }, ['competitor', 'subcontractor', 'influencer', 'partner'].map(k => App.el('option', { value: k }, k)));
    const name = App.el('input', { name: 'partyName', placeholder: 'name' });
    const role = App.el('input', { name: 'role', placeholder: 'role', size: 12 });
    const relation = App.el('input', { name: 'relation', placeholder: 'relation, e.g. advises', size: 16 });
    const target = App.el('select', { name: 'relatesTo' }, App.el('option', { value: '' }, '—'), App.el('option', { value: 'customer' }, nameOf('customer')),
      d.environment.map(p => App.el('option', { value: p.id }, p.name)));
    const influence = App.el('input', { name: 'influence', type: 'number', min: 0, max: 5, value: 3, style: 'width:4em' });
    const reply = async r => { if (r.ok) await DealCard.load(); else message.replaceChildren(App.problem(r)); };
    const add = App.el('button', { class: 'primary', onclick: async () => reply(await App.api('POST', `/api/deals/${d.id}/environment`, {
      kind: kind.value, name: name.value, role: role.value, relatesTo: target.value || null, relation: relation.value, influence: Number(influence.value) })) }, 'Add');
    return App.el('section', { class: 'panel', id: 'environment' }, App.el('h2', {}, 'Deal environment'),
      App.el('table', {}, App.el('tr', {}, ['Kind', 'Name', 'Role', 'Influence', 'Relation', ''].map(h => App.el('th', {}, h))),
        d.environment.map(p => App.el('tr', { dataset: { party: p.id } }, App.el('td', {}, p.kind), App.el('td', {}, p.name), App.el('td', {}, p.role || ''),
          App.el('td', {}, '★'.repeat(p.influence)), App.el('td', {}, p.relatesTo ? `${p.relation || 'related to'} ${nameOf(p.relatesTo)}` : ''),
          App.el('td', {}, App.el('button', { onclick: async () => reply(await App.api('DELETE', `/api/deals/${d.id}/environment/${p.id}`)) }, 'Remove'))))),
      App.el('div', { class: 'controls' }, kind, name, role, influence, relation, target, add), message);
  },

  journal(d, entries) {
    const note = App.el('input', { placeholder: 'add a note', size: 50, id: 'note' });
    const message = App.el('div');
    const add = App.el('button', { onclick: async () => {
      const r = await App.api('POST', `/api/deals/${d.id}/notes`, { text: note.value });
      if (r.ok) await DealCard.load(); else message.replaceChildren(App.problem(r));
    } }, 'Add note');
    return App.el('section', { class: 'panel', id: 'journal' }, App.el('h2', {}, 'Journal'), note, ' ', add, message,
      App.el('ol', { class: 'journal', reversed: true }, [...entries].reverse().map(e =>
        App.el('li', {}, App.el('span', { class: 'muted' }, `${App.time(e.at)} · ${e.actor} · `), e.text))));
  },
};
DealCard.init();
