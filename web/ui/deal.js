// The deal card: everything about one deal, live. The card is built once; every change to the deal (from anyone, on
// any node) merges into it (see merge.js), so notes, field values and task results being typed survive pushes.
const DealCard = {
  id: App.param('id'),
  seq: -1,
  processes: new Map(),
  people: null,
  ui: null,
  taskRows: new Map(),

  async init() {
    await App.start('board');
    const reload = DealCard.reload = App.serial(() => DealCard.load(), 250);
    await reload();
    await App.live((kind, id, seq) => { if (kind === 'deal' && id === DealCard.id && seq > DealCard.seq) reload(); }, reload);
  },

  async process(d) {
    const key = `${d.processKind}/${d.processVersion}`;
    if (!DealCard.processes.has(key)) {
      const p = (await App.api('GET', `/api/processes/${d.processKind}/versions/${d.processVersion}`)).data;
      // Stored versions leave empty lists out (a process without fields, a stage without tasks): the card reads them as empty.
      if (p && typeof p === 'object') {
        p.fields ??= []; p.lostReasons ??= []; p.stages ??= [];
        for (const s of p.stages) { s.tasks ??= []; s.gates ??= []; s.transitions ??= []; }
      }
      DealCard.processes.set(key, p);
    }
    return DealCard.processes.get(key);
  },

  async load() {
    const result = await App.api('GET', `/api/deals/${encodeURIComponent(DealCard.id)}`);
    const main = document.getElementById('deal');
    if (!result.ok) {
      if (!DealCard.ui) main.replaceChildren(App.el('h1', {}, App.t('deal.title', 'Deal')), App.problem(result));
      return;
    }
    const deal = result.data;
    if (!DealCard.people) {
      const people = await App.api('GET', '/api/managers');
      DealCard.people = Array.isArray(people.data) ? people.data.map(p => p.user) : [];
    }
    const [process, journal, orders, calls] = await Promise.all([
      DealCard.process(deal),
      App.api('GET', `/api/deals/${deal.id}/journal`),
      App.api('GET', `/api/orders?dealId=${deal.id}`),
      App.api('GET', `/api/deals/${deal.id}/calls`),
    ]);
    const entries = Array.isArray(journal.data) ? journal.data : [];
    // Who last changed the parameters is who changed what a field shows now.
    const changedBy = [...entries].reverse().find(e => e.kind === 'ParametersChanged')?.actor ?? null;
    DealCard.definition = process;
    DealCard.deal = deal;
    if (!DealCard.ui) DealCard.build(main, deal, process);
    DealCard.seq = deal.seq;
    DealCard.currency = deal.currency;
    main.dataset.seq = deal.seq;
    const ui = DealCard.ui;
    ui.title.textContent = `${deal.company}: ${deal.title}`;
    App.draw(ui.summary, DealCard.summary(deal), DealLines.orderInfo(deal), DealCard.subProcesses(deal));
    App.draw(ui.moves, DealCard.moves(deal, process));
    ui.map.replaceChildren(DealCard.map(deal, process, entries));
    DealCard.tasks(deal);
    DealCard.parameters(deal, changedBy);
    ui.details.update(deal, orders.ok && orders.data.some(o => o.status !== 'Cancelled'), [...entries].reverse().find(e => e.kind === 'DetailsChanged')?.actor ?? null);
    DealCard.documents(deal);
    ui.linesForm.update(deal, orders.ok && orders.data.some(o => o.status !== 'Cancelled'));
    ui.environment.update(deal);
    ui.calls.replaceChildren(DealCard.calls(calls.ok ? calls.data : []));
    ui.journalList.replaceChildren(...[...entries].reverse().map(e =>
      App.el('li', {}, App.el('span', { class: 'muted' }, `${App.time(e.at)} · ${e.actor} · `), e.text, DealCard.journalLink(e))));
    ui.orders.replaceChildren(...await DealCard.orders(orders.ok ? orders.data : []));
    await ui.mail.update(deal);
  },

  // The card's frame and its forms, made once: later loads only fill them.
  build(main, d, process) {
    const section = (id, title, ...children) => App.el('section', { class: 'panel', id }, title ? App.el('h2', {}, title) : null, ...children);
    const ui = DealCard.ui = {
      title: App.el('h1'),
      summary: App.el('section', { class: 'panel', id: 'summary' }),
      moves: App.el('div'),
      // Outside the drawn moves, so a refusal stays readable when the card reads itself again.
      moveMessage: App.el('div', { id: 'moveMessage' }),
      map: App.el('div'),
      taskList: App.el('div', { class: 'task-list' }),
      lines: App.el('div'),
      orders: App.el('section', { class: 'panel', id: 'orders' }),
      calls: App.el('div'),
      journalList: App.el('ol', { class: 'journal', reversed: true }),
    };
    ui.tasksEmpty = App.el('div', { class: 'muted' }, App.t('deal.tasks.none', 'No open tasks.'));
    ui.details = DealCard.detailsForm();
    ui.parameters = DealCard.parameterForm(process);
    ui.documents = DealCard.documentForm();
    ui.environment = DealCard.environmentForm();
    ui.linesForm = DealLines.form(() => DealCard.currency);
    ui.mail = DealMailPanel.create(d.id);
    ui.lines.replaceChildren(ui.linesForm.node);
    main.replaceChildren(
      ui.title, ui.summary,
      section('moves', App.t('deal.moves.title', 'Move'), ui.moves, ui.moveMessage),
      section('details', App.t('deal.details.title', 'Deal details'), ui.details.node),
      section('processMap', App.t('deal.map.title', 'Process map'), ui.map),
      App.el('div', { class: 'grid' },
        section('tasks', App.t('deal.tasks.title', 'Open tasks'), ui.tasksEmpty, ui.taskList),
        section('parameters', App.t('deal.parameters.title', 'Parameters'), ui.parameters.node),
        section('documents', App.t('deal.documents.title', 'Documents'), ui.documents.node)),
      section('lines', App.t('deal.lines.title', 'Lines'), ui.lines),
      ui.orders,
      section('environment', App.t('deal.environment.title', 'Deal environment'), ui.environment.node),
      section('mail', App.t('dealmail.title', 'E-mail to the customer'), ui.mail.node),
      section('calls', App.t('deal.calls.title', 'Calls'), ui.calls),
      section('journal', App.t('deal.journal.title', 'Journal'), DealCard.noteForm(), ui.journalList));
  },

  // A button that cannot be pressed twice while its request runs.
  busy(button, action) {
    return async () => {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      try { await action(); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
    };
  },

  // A task's title and a stage's name in the reader's language, from the deal's own process version.
  taskTitle(d, t) { return App.taskTitle(DealCard.definition, t, d); },
  stageName(id, fallback) {
    const stage = DealCard.definition?.stages?.find(s => s.id === id);
    return stage ? App.local(stage.name, stage.names) : fallback || id;
  },

  summary(d) {
    const status = { Open: App.t('deal.status.open', 'open'), Won: App.t('deal.status.won', 'won'), Lost: App.t('deal.status.lost', 'lost') }[d.status] || d.status;
    return [
      App.el('div', {}, App.t('deal.summary.process', '{process} v{version} · stage ', { process: App.processName(DealCard.definition || d.processKind), version: d.processVersion }),
        App.el('strong', { id: 'stage' }, DealCard.stageName(d.stage, d.stageName)), ` · `, App.el('span', { id: 'dealStatus', class: d.status === 'Lost' ? 'badge lost' : d.status === 'Won' ? 'badge won' : '' }, status),
        d.lostReason ? ` (${App.lostReason(DealCard.definition, d.lostReason)})` : '', ' · ', DealCard.win(d)),
      App.el('div', {}, App.t('deal.summary.money', '{amount} · owner {owner} · {department}', { amount: App.money(d.amount, d.currency), owner: App.name(d.owner), department: d.department }),
        d.contact ? App.t('deal.summary.contact', ' · contact {contact}', { contact: d.contact }) : ''),
      typeof CompanyPicker === 'undefined' ? null : CompanyPicker.forDeal(d),
      d.stuckOn ? App.el('div', { id: 'stuckOn' }, App.t('deal.summary.stuck', 'Stuck on {user} for {duration}', { user: App.name(d.stuckOn.user), duration: App.duration(d.stuckOn.since) }),
        d.stuckOn.taskTitle ? ' — ' + DealCard.taskTitle(d, d.tasks.find(t => t.id === d.stuckOn.taskId) || { title: d.stuckOn.taskTitle }) : '') : null,
    ];
  },

  // Sub-processes: the deal that started this one (and which of its stages waits), and the child deals this deal's
  // stages started with their state (a lost one says why: it blocks this deal until it is reopened and won).
  subProcesses(d) {
    const link = (id, text) => App.el('a', { href: `/deal.html?id=${encodeURIComponent(id)}` }, text);
    const status = c => ({
      Running: App.t('subprocess.status.running', 'running'), Won: App.t('subprocess.status.won', 'won'),
      Lost: App.t('subprocess.status.lost', 'lost: {reason}', { reason: c.reason ?? '' }),
      Failed: App.t('subprocess.status.failed', 'could not be started: {reason}', { reason: c.reason ?? '' }),
    }[c.status] || c.status);
    return [
      d.parent ? App.el('div', { id: 'parentDeal' }, App.t('subprocess.parent', 'Sub-process of deal '), link(d.parent.dealId, d.parent.title),
        App.t('subprocess.parentStage', ' (its stage {stage} waits for this deal)', { stage: d.parent.stage })) : null,
      d.subProcesses?.length ? App.el('div', { id: 'subProcesses' }, App.el('strong', {}, App.t('subprocess.children', 'Sub-processes')),
        App.el('ul', {}, d.subProcesses.map(c => App.el('li', { 'data-deal': c.dealId, 'data-status': c.status, class: ['Lost', 'Failed'].includes(c.status) ? 'error' : '' },
          link(c.dealId, c.title), ` · ${c.processKind} · ${App.name(c.owner)} · `, App.el('span', { class: 'sub-status' }, status(c)))))) : null,
    ];
  },

  // A journal line about a sub-process links the other deal.
  journalLink(e) {
    if (!['SubProcessStarted', 'SubProcessChanged'].includes(e.kind) || !/^[0-9a-f-]{36}$/i.test(e.subject || '')) return null;
    return App.el('span', {}, ' ', App.el('a', { href: `/deal.html?id=${encodeURIComponent(e.subject)}`, class: 'journal-deal' }, App.t('subprocess.open', 'open the deal')));
  },

  // The win probability: the history model's while it is current, else the stage's (said so, so nobody mistakes one for the other).
  win(d) {
    const w = d.win || { probability: d.probability, source: 'stage' };
    const percent = Math.round(w.probability * 100);
    const text = w.source === 'model'
      ? (w.expectedClose ? App.t('deal.win.modelClose', 'win probability {percent}% (from history, expected close {date})', { percent, date: w.expectedClose })
        : App.t('deal.win.model', 'win probability {percent}% (from history)', { percent }))
      : App.t('deal.win.stage', 'win probability {percent}% (stage)', { percent });
    return App.el('span', { id: 'winProbability', dataset: { source: w.source }, title: App.t('deal.win.stageTitle', 'stage probability {percent}%', { percent: Math.round(d.probability * 100) }) }, text);
  },

  // Forward moves are buttons; losing the deal is a separate, deliberate action with its own dialog; a lost deal can
  // be reopened by the head of its department.
  moves(d, process) {
    const message = DealCard.ui.moveMessage;
    if (d.status === 'Lost') {
      return App.can('deal.reopen')
        ? [App.el('button', { class: 'primary', id: 'reopenDeal', onclick: () => DealCard.reopen(DealCard.deal) }, App.t('deal.reopen.button', 'Reopen the deal…'))]
        : [App.el('div', { class: 'muted' }, App.t('deal.reopen.who', 'Lost. Only the head of the department can reopen it.'))];
    }
    if (d.status !== 'Open') return [App.el('div', { class: 'muted' }, App.t('deal.closed', 'The deal is closed.'))];
    const stageOf = to => process.stages.find(s => s.id === to);
    const lostStage = d.allowedMoves.find(to => stageOf(to)?.outcome === 'lost');
    const forward = d.allowedMoves.filter(to => to !== lostStage).map(to => {
      const button = App.el('button', { class: 'primary', dataset: { move: to } }, `→ ${stageOf(to) ? App.local(stageOf(to).name, stageOf(to).names) : to}`);
      button.addEventListener('click', DealCard.busy(button, async () => {
        const r = await App.moveDeal(d.id, { toStage: to });
        if (r.ok) { message.replaceChildren(); await DealCard.reload(); } else message.replaceChildren(App.problem(r));
      }));
      return button;
    });
    const lose = lostStage && App.can('deal.move')
      ? App.el('button', { class: 'danger', id: 'markLost', onclick: () => DealCard.lose(DealCard.deal, DealCard.definition, lostStage) }, App.t('deal.lost.button', 'Mark as lost…'))
      : null;
    return [
      App.el('div', { class: 'move-bar' }, App.el('div', { class: 'forward' }, forward.length ? forward.flatMap(b => [b, ' ']) : App.el('span', { class: 'muted' }, App.t('deal.moves.none', 'No forward move from this stage.'))), lose),
      d.missingToLeave.length ? App.el('div', { class: 'muted' }, App.t('deal.moves.missing', 'To leave this stage: {missing}', { missing: d.missingToLeave.join('; ') })) : null,
    ];
  },

  lose(d, process, lostStage) {
    const reason = App.el('select', { id: 'lostReason', name: 'lostReason', required: true },
      App.el('option', { value: '' }, App.t('deal.lost.choose', '— choose a reason —')),
      process.lostReasons.map(r => App.el('option', { value: r }, r)));
    const comment = App.el('input', { id: 'lostComment', name: 'comment', size: 40, maxlength: 4000 });
    const open = d.tasks.filter(t => t.status === 'Open' && t.stage === d.stage);
    return Dialog.open({
      id: 'lostDialog',
      title: App.t('deal.lost.title', 'Mark “{title}” as lost?', { title: d.title }),
      danger: true,
      submitLabel: App.t('deal.lost.confirm', 'Mark as lost'),
      fields: [
        App.el('p', {}, App.t('deal.lost.explain', 'The deal closes as lost and its supervisor reviews it. Only a supervisor can reopen it.')),
        open.length ? App.el('p', {}, App.t('deal.lost.cancels', 'These open tasks are cancelled: {tasks}', { tasks: open.map(t => App.taskTitle(DealCard.definition, t)).join('; ') })) : null,
        App.el('label', { class: 'field' }, App.t('deal.lost.reason', 'Reason'), reason),
        App.el('label', { class: 'field' }, App.t('deal.lost.comment', 'Comment'), comment),
      ],
      submit: async () => {
        if (!reason.value) { reason.focus(); return { error: App.t('deal.lost.needReason', 'Choose the reason the deal was lost.') }; }
        const r = await App.api('POST', `/api/deals/${d.id}/moves`, { toStage: lostStage, lostReason: reason.value, comment: comment.value || null, cancelOpenTasks: true });
        if (!r.ok) return { error: App.problem(r) };
        DealCard.ui.moveMessage.replaceChildren();
        await DealCard.reload();
        return true;
      },
    });
  },

  reopen(d) {
    const comment = App.el('input', { id: 'reopenComment', name: 'comment', size: 40, maxlength: 4000 });
    return Dialog.open({
      id: 'reopenDialog',
      title: App.t('deal.reopen.title', 'Reopen “{title}”?', { title: d.title }),
      submitLabel: App.t('deal.reopen.confirm', 'Reopen'),
      fields: [
        App.el('p', {}, App.t('deal.reopen.explain', 'The deal goes back to the stage it was lost from; the journal records who reopened it.')),
        App.el('label', { class: 'field' }, App.t('deal.reopen.comment', 'Why'), comment),
      ],
      submit: async () => {
        const r = await App.api('POST', `/api/deals/${d.id}/reopen`, { comment: comment.value || null });
        if (!r.ok) return { error: App.problem(r) };
        DealCard.ui.moveMessage.replaceChildren();
        await DealCard.reload();
        return true;
      },
    });
  },

  map(d, process, journal) {
    const entered = new Map();
    for (const e of journal.filter(e => e.kind === 'StageChanged')) entered.set(e.subject, e.at);
    return App.el('div', { class: 'map' }, process.stages.map(stage => {
      const state = stage.id === d.stage ? 'current' : entered.has(stage.id) ? 'done' : 'pending';
      const tasks = d.tasks.filter(t => t.stage === stage.id);
      const stateText = { current: App.t('deal.map.current', 'current'), pending: App.t('deal.map.pending', 'pending') }[state];
      return App.el('div', { class: `stage ${state}`, dataset: { stage: stage.id } },
        App.el('strong', {}, App.local(stage.name, stage.names)), App.el('div', { class: 'muted' }, entered.has(stage.id) ? App.t('deal.map.entered', 'entered {time}', { time: App.time(entered.get(stage.id)) }) : stateText),
        tasks.map(t => App.el('div', { dataset: { task: t.id } }, `${DealCard.taskTitle(d, t)} — ${App.name(t.executor)} (`, t.completedAt ? `${App.taskStatus(t.status)} ${App.time(t.completedAt)}` : App.t('deal.map.due', '{status}, due {time}', { status: App.taskStatus(t.status), time: App.time(t.deadline) }), ')')));
    }));
  },

  // One row per open task, kept across pushes: its result field and executor choice are never redrawn.
  tasks(d) {
    const open = d.tasks.filter(t => t.status === 'Open');
    DealCard.ui.tasksEmpty.hidden = open.length > 0;
    Merge.rows(DealCard.ui.taskList, open, t => t.id, t => DealCard.taskRow(d.id, t), DealCard.updateTaskRow, DealCard.taskRows);
  },

  taskRow(dealId, t) {
    const info = App.el('div', { class: 'task-info' });
    const result = App.el('input', { name: 'result', 'aria-label': App.t('deal.task.result', 'Result'), placeholder: App.t('deal.task.result', 'Result') });
    const who = App.el('select', { name: 'executor', 'aria-label': App.t('deal.task.executor', 'Executor') });
    const message = App.el('div');
    const done = App.el('button', { class: 'primary', type: 'submit' }, App.t('deal.task.done', 'Done'));
    const reassign = App.el('button', { type: 'button' }, App.t('deal.task.reassign', 'Reassign'));
    const send = async (url, body) => {
      const r = await App.api('POST', url, body);
      if (r.ok) { message.replaceChildren(); await DealCard.reload(); } else message.replaceChildren(App.problem(r));
    };
    const form = App.el('form', { class: 'task', dataset: { task: t.id } }, info, result, ' ', done, ' ', who, ' ', reassign, message);
    form.addEventListener('submit', event => { event.preventDefault(); DealCard.busy(done, () => send(`/api/deals/${dealId}/tasks/${t.id}/complete`, { result: result.value }))(); });
    reassign.addEventListener('click', DealCard.busy(reassign, () => send(`/api/deals/${dealId}/tasks/${t.id}/reassign`, { executor: who.value })));
    form.parts = { info, who };
    return form;
  },

  updateTaskRow(row, t) {
    row.parts.info.replaceChildren(App.el('strong', {}, DealCard.taskTitle(DealCard.deal, t)),
      App.t('deal.task.line', ' — {executor}, due {time} ', { executor: App.name(t.executor), time: App.time(t.deadline) }),
      t.overdueAt ? App.el('span', { class: 'badge overdue' }, App.t('deal.task.overdue', 'overdue')) : '',
      t.escalatedTo ? App.el('span', { class: 'badge overdue' }, App.t('deal.task.escalated', 'escalated to {user}', { user: App.name(t.escalatedTo) })) : '');
    const people = DealCard.people.includes(t.executor) ? DealCard.people : [t.executor, ...DealCard.people];
    Merge.options(row.parts.who, people, App.name, t.executor);
    if (!Merge.editing(row.parts.who)) row.parts.who.value = t.executor;
  },

  parameterForm(process) {
    const inputs = process.fields.map(f => f.type === 'choice'
      ? App.el('select', { name: f.name }, App.el('option', { value: '' }, '—'), f.choices.map(c => App.el('option', { value: c }, c)))
      : App.el('input', { name: f.name, inputmode: f.type === 'number' ? 'decimal' : null }));
    const message = App.el('div');
    const save = App.el('button', { class: 'primary', type: 'submit' }, App.t('deal.parameters.save', 'Save'));
    const node = App.el('form', {}, process.fields.map((f, i) => App.el('div', {}, App.el('label', {}, `${App.local(f.label || f.name, f.labels)} `, inputs[i]))), save, message);
    let deal = null;
    node.addEventListener('submit', event => {
      event.preventDefault();
      DealCard.busy(save, async () => {
        const values = {};
        for (const input of inputs) if ((deal.parameters[input.name] ?? '') !== input.value) values[input.name] = input.value;
        if (!Object.keys(values).length) { message.replaceChildren(App.el('span', { class: 'muted' }, App.t('deal.parameters.unchanged', 'Nothing changed.'))); return; }
        const r = await App.api('POST', `/api/deals/${deal.id}/parameters`, values);
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        message.replaceChildren();
        // What was saved is the server's value now: not someone else's change under an edit.
        for (const input of inputs) if (input.name in values) Merge.accept(input, r.data?.parameters?.[input.name] ?? input.value);
        await DealCard.reload();
      })();
    });
    return { node, update: (d, changedBy) => {
      deal = d;
      save.disabled = d.status !== 'Open';
      for (const input of inputs) Merge.field(input, d.parameters[input.name] ?? '', changedBy);
    } };
  },

  parameters(d, changedBy) { DealCard.ui.parameters.update(d, changedBy); },

  // Title, amount, currency, expected close date and owner, editable while the deal is open and no order carries them.
  detailsForm() {
    const title = App.el('input', { name: 'title', size: 40, maxlength: 200 });
    const amount = App.el('input', { name: 'amount', inputmode: 'decimal', size: 12 });
    const currency = App.el('input', { name: 'currency', size: 4, maxlength: 3 });
    const expected = App.el('input', { name: 'expectedCloseDate', type: 'date' });
    const owner = App.el('select', { name: 'owner' });
    const fields = [title, amount, currency, expected, owner];
    const label = (text, input) => App.el('label', { class: 'field inline' }, App.el('span', {}, text), input);
    const message = App.el('div');
    const why = App.el('div', { class: 'muted' });
    const save = App.el('button', { class: 'primary', type: 'submit' }, App.t('deal.details.save', 'Save'));
    const node = App.el('form', { class: 'details' },
      label(App.t('deal.details.titleLabel', 'Title'), title), label(App.t('deal.details.amount', 'Amount'), amount),
      label(App.t('deal.details.currency', 'Currency'), currency), label(App.t('deal.details.expectedClose', 'Expected close'), expected),
      label(App.t('deal.details.owner', 'Owner'), owner), save, why, message);
    let deal = null;
    const server = d => ({ title: d.title, amount: String(d.amount), currency: d.currency, expectedCloseDate: d.expectedCloseDate || '', owner: d.owner });
    node.addEventListener('submit', event => {
      event.preventDefault();
      DealCard.busy(save, async () => {
        const now = server(deal), body = {};
        for (const input of fields) if (input.value !== now[input.name]) body[input.name] = input.value;
        if (!Object.keys(body).length) { message.replaceChildren(App.el('span', { class: 'muted' }, App.t('deal.parameters.unchanged', 'Nothing changed.'))); return; }
        if ('amount' in body) {
          const number = Number(body.amount.replace(/\s/g, '').replace(',', '.'));
          if (body.amount.trim() === '' || !Number.isFinite(number)) { message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('deal.details.amountInvalid', 'The amount must be a number.'))); amount.focus(); return; }
          body.amount = number;
        }
        if ('expectedCloseDate' in body && !body.expectedCloseDate) delete body.expectedCloseDate;
        const r = await App.api('PATCH', `/api/deals/${deal.id}`, body);
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        message.replaceChildren();
        const saved = server(r.data);
        for (const input of fields) if (input.name in body) Merge.accept(input, saved[input.name]);
        await DealCard.reload();
      })();
    });
    return { node, update: (d, hasOrder, changedBy) => {
      deal = d;
      const values = server(d);
      const people = DealCard.people.includes(d.owner) ? DealCard.people : [d.owner, ...DealCard.people];
      Merge.options(owner, people, App.name, Merge.editing(owner) ? owner.value : d.owner);
      for (const input of fields) Merge.field(input, values[input.name], changedBy);
      const locked = d.status !== 'Open' || hasOrder || !App.can('deal.change');
      for (const input of fields) input.disabled = locked;
      // The amount follows the lines while there are any.
      amount.disabled = locked || d.lines.length > 0;
      save.hidden = locked;
      why.textContent = d.status !== 'Open' ? '' : hasOrder ? App.t('deal.details.hasOrder', 'The deal has an order: its amount and lines are changed on the order.') : '';
    } };
  },

  documentForm() {
    const list = App.el('ul');
    const kind = App.el('input', { name: 'kind', placeholder: App.t('deal.documents.kindHint', 'kind, e.g. proposal'), 'aria-label': App.t('deal.documents.kind', 'Kind'), size: 16 });
    const file = App.el('input', { type: 'file', name: 'file', 'aria-label': App.t('deal.documents.file', 'File') });
    const message = App.el('div');
    const upload = App.el('button', { type: 'submit' }, App.t('deal.documents.attach', 'Attach'));
    const node = App.el('form', {}, list, kind, ' ', file, ' ', upload, message);
    let deal = null;
    node.addEventListener('submit', event => {
      event.preventDefault();
      DealCard.busy(upload, async () => {
        const form = new FormData();
        form.append('kind', kind.value);
        if (file.files[0]) form.append('file', file.files[0]);
        const r = await App.api('POST', `/api/deals/${deal.id}/documents`, form, true);
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        // Cleared, so the same file is not sent twice.
        kind.value = ''; file.value = ''; message.replaceChildren();
        await DealCard.reload();
      })();
    });
    return { node, update: d => {
      deal = d;
      upload.disabled = d.status !== 'Open';
      list.replaceChildren(...d.documents.map(doc => App.el('li', {}, App.el('a', { href: `/api/deals/${d.id}/documents/${doc.id}` }, doc.fileName),
        App.t('deal.documents.line', ' — {kind}, stage {stage}, {time} by {user}', { kind: doc.kind, stage: doc.stage, time: App.time(doc.attachedAt), user: doc.attachedBy }))));
    } };
  },

  documents(d) { DealCard.ui.documents.update(d); },

  lines(d) {
    if (!d.lines.length) return App.el('div', { class: 'muted' }, App.t('deal.lines.none', 'No lines.'));
    return App.el('table', {}, App.el('tr', {}, App.el('th', {}, App.t('deal.lines.sku', 'SKU')), App.el('th', {}, App.t('deal.lines.name', 'Name')),
      App.el('th', {}, App.t('deal.lines.quantity', 'Qty')), App.el('th', {}, App.t('deal.lines.price', 'Price'))),
    d.lines.map(l => App.el('tr', {}, App.el('td', {}, l.sku), App.el('td', {}, l.name || ''), App.el('td', {}, l.quantity), App.el('td', {}, App.money(l.price, d.currency)))));
  },

  // The customer order made from the deal: its state, allocation and reservations, invoices and payments.
  async orders(list) {
    const parts = [App.el('h2', {}, App.t('deal.orders.title', 'Order'))];
    if (!list.length) return [...parts, App.el('div', { class: 'muted' }, App.t('deal.orders.none', 'No order yet.'))];
    for (const item of list) {
      const o = (await App.api('GET', `/api/orders/${item.id}`)).data;
      parts.push(
        App.el('div', {}, App.el('a', { href: `/orders.html?id=${o.id}` }, `${o.customer}: ${o.status}`),
          App.t('deal.orders.money', ' · total {total} · paid {paid} · balance due {due}', { total: App.money(o.total, o.currency), paid: App.money(o.paid, o.currency), due: App.money(o.balanceDue ?? (o.total - o.paid), o.currency) })),
        App.table(o.lines, ['sku', 'quantity', 'fromStock', 'toProduce', 'toPurchase', 'reserved', 'shipped', 'reservations']),
        App.el('h3', {}, App.t('deal.orders.invoices', 'Invoices')), App.table(o.invoices),
        App.el('h3', {}, App.t('deal.orders.payments', 'Payments')), App.table(o.payments),
        App.el('h3', {}, App.t('deal.orders.shipments', 'Shipments')), App.table(o.shipments));
    }
    return parts;
  },

  calls(list) {
    if (!list.length) return App.el('div', { class: 'muted' }, App.t('deal.calls.none', 'No calls from this customer yet.'));
    return Calls.history(list);
  },

  // Competitors, subcontractors and influential people, and how they relate to each other and to the customer.
  environmentForm() {
    const table = App.el('table');
    const message = App.el('div');
    const kind = App.el('select', { name: 'kind', 'aria-label': App.t('deal.environment.kind', 'Kind') }, ['competitor', 'subcontractor', 'influencer', 'partner'].map(k => App.el('option', { value: k }, k)));
    const name = App.el('input', { name: 'partyName', placeholder: App.t('deal.environment.name', 'name'), 'aria-label': App.t('deal.environment.name', 'name') });
    const role = App.el('input', { name: 'role', placeholder: App.t('deal.environment.role', 'role'), 'aria-label': App.t('deal.environment.role', 'role'), size: 12 });
    const relation = App.el('input', { name: 'relation', placeholder: App.t('deal.environment.relation', 'relation, e.g. advises'), 'aria-label': App.t('deal.environment.relationLabel', 'relation'), size: 16 });
    const target = App.el('select', { name: 'relatesTo', 'aria-label': App.t('deal.environment.relatesTo', 'relates to') });
    const influence = App.el('input', { name: 'influence', type: 'number', min: 0, max: 5, value: 3, style: 'width:4em', 'aria-label': App.t('deal.environment.influence', 'Influence') });
    const add = App.el('button', { class: 'primary', type: 'submit' }, App.t('deal.environment.add', 'Add'));
    let deal = null;
    const reply = async r => {
      if (!r.ok) { message.replaceChildren(App.problem(r)); return false; }
      message.replaceChildren();
      await DealCard.reload();
      return true;
    };
    const node = App.el('form', {}, table, App.el('div', { class: 'controls' }, kind, name, role, influence, relation, target, add), message);
    node.addEventListener('submit', event => {
      event.preventDefault();
      DealCard.busy(add, async () => {
        const ok = await reply(await App.api('POST', `/api/deals/${deal.id}/environment`, {
          kind: kind.value, name: name.value, role: role.value, relatesTo: target.value || null, relation: relation.value, influence: Number(influence.value) }));
        if (ok) { name.value = ''; role.value = ''; relation.value = ''; }
      })();
    });
    return { node, update: d => {
      deal = d;
      const nameOf = id => id === 'customer' ? App.t('deal.environment.customer', '{company} (customer)', { company: d.company }) : (d.environment.find(p => p.id === id)?.name || id);
      const targets = ['', 'customer', ...d.environment.map(p => p.id)];
      Merge.options(target, targets, v => v === '' ? '—' : nameOf(v), Merge.editing(target) ? target.value : '');
      table.replaceChildren(App.el('tr', {}, [App.t('deal.environment.kind', 'Kind'), App.t('deal.environment.nameHeader', 'Name'), App.t('deal.environment.roleHeader', 'Role'),
        App.t('deal.environment.influence', 'Influence'), App.t('deal.environment.relationHeader', 'Relation'), ''].map(h => App.el('th', {}, h))),
      ...d.environment.map(p => App.el('tr', { dataset: { party: p.id } }, App.el('td', {}, p.kind), App.el('td', {}, p.name), App.el('td', {}, p.role || ''),
        App.el('td', {}, '★'.repeat(p.influence)), App.el('td', {}, p.relatesTo ? `${p.relation || App.t('deal.environment.relatedTo', 'related to')} ${nameOf(p.relatesTo)}` : ''),
        App.el('td', {}, App.el('button', { type: 'button', onclick: async () => reply(await App.api('DELETE', `/api/deals/${d.id}/environment/${p.id}`)) }, App.t('deal.environment.remove', 'Remove'))))));
    } };
  },

  noteForm() {
    const note = App.el('input', { placeholder: App.t('deal.note.hint', 'add a note'), 'aria-label': App.t('deal.note.label', 'Note'), size: 50, id: 'note', name: 'note', maxlength: 4000 });
    const message = App.el('div');
    const add = App.el('button', { type: 'submit' }, App.t('deal.note.add', 'Add note'));
    const form = App.el('form', { id: 'noteForm' }, note, ' ', add, message);
    form.addEventListener('submit', event => {
      event.preventDefault();
      DealCard.busy(add, async () => {
        const r = await App.api('POST', `/api/deals/${DealCard.id}/notes`, { text: note.value });
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        note.value = ''; message.replaceChildren();
        await DealCard.reload();
      })();
    });
    return form;
  },
};
DealCard.init();
