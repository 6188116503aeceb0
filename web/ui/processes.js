// The process editor (admins and department heads): a process version as a form (stages, tasks with executor and
// deadline, gates, transitions, order link) and as raw JSON, the validator's messages inline (POST
// /api/processes/validate), publishing as a new version (POST /api/processes), the versions with how many deals run
// each, and a line diff of two versions. The form edits the definition object in place, so members it does not show
// (an approval route, translations) go back to the server unchanged.
const ProcessPage = {
  kind: null,
  draft: null,
  opening: App.newest(),
  tab: 'form',

  async init() {
    await App.start('processes');
    const list = await App.api('GET', '/api/processes');
    if (!list.ok) { document.getElementById('message').replaceChildren(App.problem(list)); return; }
    const select = document.getElementById('kind');
    ProcessPage.kinds = list.data.map(p => ({ kind: p.kind, name: App.processName(p) }));
    select.replaceChildren(...list.data.map(p => App.el('option', { value: p.kind }, `${App.processName(p)} (${p.kind})`)));
    select.value = App.param('kind') || list.data[0]?.kind || '';
    select.addEventListener('change', () => ProcessPage.open(select.value));
    for (const tab of document.querySelectorAll('[data-tab]')) tab.addEventListener('click', () => ProcessPage.show(tab.dataset.tab));
    document.getElementById('check').addEventListener('click', e => App.busy(e.currentTarget, () => ProcessPage.check()));
    document.getElementById('publish').addEventListener('click', e => App.busy(e.currentTarget, () => ProcessPage.publish()));
    document.getElementById('diff').addEventListener('click', e => App.busy(e.currentTarget, () => ProcessPage.diff()));
    if (select.value) await ProcessPage.open(select.value);
    document.body.dataset.ready = 'on';
  },

  async open(kind, version) {
    ProcessPage.kind = kind;
    const current = ProcessPage.opening();
    const [definition, versions] = await Promise.all([
      App.api('GET', version ? `/api/processes/${encodeURIComponent(kind)}/versions/${version}` : `/api/processes/${encodeURIComponent(kind)}`),
      App.api('GET', `/api/processes/${encodeURIComponent(kind)}/versions`)]);
    // Another process or version was opened meanwhile: this answer, come late, would put the wrong definition in the
    // editor under the name of the one picked last.
    if (!current()) return;
    if (!definition.ok) { document.getElementById('message').replaceChildren(App.problem(definition)); return; }
    ProcessPage.draft = typeof definition.data === 'string' ? JSON.parse(definition.data) : definition.data;
    document.getElementById('editing').textContent = App.t('processes.editing', 'Editing version {version}', { version: ProcessPage.draft.version });
    document.getElementById('problems').replaceChildren();
    document.getElementById('diffOut').hidden = true;
    if (versions.ok) ProcessPage.renderVersions(versions.data);
    ProcessPage.show('form');
  },

  renderVersions(v) {
    document.getElementById('versions').replaceChildren(App.table(v.versions.slice().reverse(), [
      { key: 'pick', label: '', value: x => App.el('input', { type: 'checkbox', name: 'compare', value: x.version, 'aria-label': String(x.version) }) },
      { key: 'version', label: App.t('processes.version', 'Version') },
      { key: 'publishedAt', label: App.t('processes.publishedAt', 'Published') },
      { key: 'publishedBy', label: App.t('processes.publishedBy', 'By'), value: x => App.name(x.publishedBy) },
      { key: 'deals', label: App.t('processes.deals', 'Deals') },
      { key: 'openDeals', label: App.t('processes.openDeals', 'Open deals') },
      { key: 'open', label: '', value: x => App.el('button', { type: 'button', onclick: () => ProcessPage.open(ProcessPage.kind, x.version) }, App.t('processes.edit', 'Edit this version')) },
    ], x => ({ 'data-version': x.version })));
    document.getElementById('versions').prepend(App.el('p', { class: 'muted' }, v.owner
      ? App.t('processes.owner', 'Belongs to department {department}: its head or an admin publishes it.', { department: v.owner })
      : App.t('processes.noOwner', 'Belongs to no department: an admin publishes it.')));
  },

  show(tab) {
    // Leaving the raw tab takes its text as the definition; bad JSON keeps the raw tab open with the parser's message.
    if (ProcessPage.tab === 'raw' && tab !== 'raw') {
      try { ProcessPage.draft = JSON.parse(document.getElementById('json').value); } catch (e) {
        ProcessPage.problems([App.t('processes.badJson', 'Not valid JSON: {error}', { error: e.message })]);
        return;
      }
    }
    ProcessPage.tab = tab;
    for (const t of document.querySelectorAll('[data-tab]')) t.setAttribute('aria-selected', String(t.dataset.tab === tab));
    document.getElementById('form').hidden = tab !== 'form';
    document.getElementById('raw').hidden = tab !== 'raw';
    if (tab === 'raw') document.getElementById('json').value = JSON.stringify(ProcessPage.draft, null, 2);
    else ProcessPage.renderForm();
  },

  // The definition as the current tab holds it.
  current() {
    const d = ProcessPage.tab === 'raw' ? JSON.parse(document.getElementById('json').value) : ProcessPage.draft;
    const copy = structuredClone(d);
    delete copy.version;
    return copy;
  },

  bind(input, get, set) {
    input.value = get() ?? '';
    input.addEventListener('input', () => set(input.type === 'number' ? (input.value === '' ? undefined : Number(input.value)) : input.value));
    return input;
  },

  renderForm() {
    const d = ProcessPage.draft;
    const stageIds = () => d.stages.map(s => s.id);
    const text = (label, obj, key, attrs) => App.field(label, ProcessPage.bind(App.el('input', { name: key, ...(attrs || {}) }), () => obj[key], v => { obj[key] = v; }));
    const remove = (list, item, redraw) => App.el('button', { type: 'button', class: 'remove', 'aria-label': App.t('processes.remove', 'Remove'),
      onclick: () => { list.splice(list.indexOf(item), 1); redraw(); } }, '×');
    const redraw = () => ProcessPage.renderForm();
    const head = App.el('div', { class: 'admin-form' },
      text(App.t('processes.name', 'Name'), d, 'name'),
      App.field(App.t('processes.mode', 'Routing'), ProcessPage.bind(App.el('select', { name: 'mode' },
        ['manual', 'automatic'].map(m => App.el('option', { value: m }, App.t(`processes.mode.${m}`, m)))), () => d.mode || 'manual', v => { d.mode = v; })),
      App.field(App.t('processes.initialStage', 'First stage'), ProcessPage.bind(App.el('select', { name: 'initialStage' },
        stageIds().map(id => App.el('option', { value: id }, id))), () => d.initialStage, v => { d.initialStage = v; })),
      text(App.t('processes.grace', 'Escalation after (working hours)'), d, 'escalationGraceHours', { type: 'number', min: 0, step: 0.5 }),
      // Who calls the customer after a won deal; empty: the node's setting.
      App.field(App.t('processes.satisfactionRole', 'Satisfaction call by'), ProcessPage.bind(App.el('select', { name: 'satisfactionRole' },
        [['', App.t('processes.satisfactionRole.default', '(the setting)')], ...['owner', 'manager', 'supervisor', 'marketer', 'engineer', 'warehouse'].map(r => [r, App.t(`processes.role.${r}`, r)])]
          .map(([v, label]) => App.el('option', { value: v }, label))), () => d.satisfactionRole || '', v => { d.satisfactionRole = v || undefined; })));
    const stages = d.stages.map((s, index) => {
      s.tasks ??= []; s.gates ??= []; s.transitions ??= [];
      const tasks = s.tasks.map(t => {
        t.executor ??= { kind: 'owner' };
        const who = App.el('input', { name: 'who', placeholder: App.t('processes.who', 'role or login') });
        const kind = ProcessPage.bind(App.el('select', { name: 'executor', 'aria-label': App.t('processes.executor', 'Executor') },
          ['owner', 'role', 'user', 'supervisor'].map(k => App.el('option', { value: k }, App.t(`processes.executor.${k}`, k)))),
        () => t.executor.kind, v => { t.executor = { kind: v }; who.value = ''; who.hidden = !['role', 'user'].includes(v); });
        ProcessPage.bind(who, () => t.executor.role || t.executor.user, v => { if (t.executor.kind === 'role') t.executor.role = v; else t.executor.user = v; });
        who.hidden = !['role', 'user'].includes(t.executor.kind);
        return App.el('div', { class: 'row task', 'data-task': t.id },
          ProcessPage.bind(App.el('input', { name: 'title', size: 40, 'aria-label': App.t('processes.task', 'Task') }), () => t.title, v => { t.title = v; }),
          kind, who,
          App.el('label', {}, ProcessPage.bind(App.el('input', { type: 'number', name: 'deadlineHours', min: 0, step: 0.5 }), () => t.deadlineHours, v => { t.deadlineHours = v; }),
            App.t('processes.hours', 'working hours')),
          remove(s.tasks, t, redraw));
      });
      const gates = s.gates.map(g => App.el('div', { class: 'row gate' },
        ProcessPage.bind(App.el('select', { name: 'gateKind', 'aria-label': App.t('processes.gate', 'Gate') },
          ['field', 'document', 'tasksDone'].map(k => App.el('option', { value: k }, App.t(`processes.gate.${k}`, k)))), () => g.kind, v => { g.kind = v; redraw(); }),
        g.kind === 'tasksDone' ? null : ProcessPage.bind(App.el('input', { name: g.kind === 'document' ? 'documentKind' : 'field', 'aria-label': g.kind }),
          () => g.kind === 'document' ? g.documentKind : g.field, v => { if (g.kind === 'document') g.documentKind = v; else g.field = v; }),
        ProcessPage.bind(App.el('input', { name: 'description', size: 30, placeholder: App.t('processes.description', 'description') }), () => g.description, v => { g.description = v || undefined; }),
        remove(s.gates, g, redraw)));
      const transitions = s.transitions.map(tr => App.el('div', { class: 'row transition' },
        App.t('processes.to', 'to'),
        ProcessPage.bind(App.el('select', { name: 'to', 'aria-label': App.t('processes.to', 'to') }, stageIds().map(id => App.el('option', { value: id }, id))), () => tr.to, v => { tr.to = v; }),
        App.el('label', {}, App.el('input', { type: 'checkbox', name: 'skipGates', checked: Boolean(tr.skipGates), onchange: e => { tr.skipGates = e.target.checked || undefined; } }),
          App.t('processes.skipGates', 'without gates')),
        remove(s.transitions, tr, redraw)));
      const add = (label, fn) => App.el('button', { type: 'button', class: 'add', onclick: () => { fn(); redraw(); } }, label);
      return App.el('fieldset', { class: 'stage', 'data-stage': s.id },
        App.el('legend', {}, `${index + 1}. ${s.name} (${s.id})${s.outcome ? ` — ${s.outcome}` : ''}`),
        App.el('div', { class: 'row' },
          App.field(App.t('processes.stageName', 'Stage name'), ProcessPage.bind(App.el('input', { name: 'stageName' }), () => s.name, v => { s.name = v; })),
          App.field(App.t('processes.probability', 'Probability (0–1)'), ProcessPage.bind(App.el('input', { name: 'probability', type: 'number', min: 0, max: 1, step: 0.05 }),
            () => s.probability, v => { s.probability = v; }))),
        s.outcome ? null : [
          ProcessPage.subProcessRow(s, d),
          App.el('h3', {}, App.t('processes.tasks', 'Tasks')), App.el('div', { class: 'rows' }, tasks),
          add(App.t('processes.addTask', 'Add task'), () => s.tasks.push({ id: `task-${s.tasks.length + 1}`, title: App.t('processes.newTask', 'New task'), executor: { kind: 'owner' }, deadlineHours: 8 })),
          App.el('h3', {}, App.t('processes.gates', 'Gates')), App.el('div', { class: 'rows' }, gates),
          add(App.t('processes.addGate', 'Add gate'), () => s.gates.push({ kind: 'field', field: '' })),
          App.el('h3', {}, App.t('processes.transitions', 'Transitions')), App.el('div', { class: 'rows' }, transitions),
          add(App.t('processes.addTransition', 'Add transition'), () => s.transitions.push({ to: stageIds()[0] }))]);
    });
    const orderLink = App.el('textarea', { name: 'orderLink', rows: 8, cols: 60, spellcheck: 'false', class: 'json' });
    orderLink.value = d.orderLink ? JSON.stringify(d.orderLink, null, 2) : '';
    orderLink.addEventListener('change', () => {
      try { d.orderLink = orderLink.value.trim() ? JSON.parse(orderLink.value) : undefined; orderLink.setCustomValidity(''); }
      catch (e) { orderLink.setCustomValidity(e.message); orderLink.reportValidity(); }
    });
    const newStage = App.el('div', { class: 'row' },
      App.el('input', { name: 'newStageId', placeholder: App.t('processes.newStageId', 'new stage id'), 'aria-label': App.t('processes.newStageId', 'new stage id') }),
      App.el('button', { type: 'button', onclick: e => {
        const id = e.currentTarget.previousSibling.value.trim();
        if (!id) return;
        const at = Math.max(0, d.stages.findIndex(s => s.outcome));
        d.stages.splice(at, 0, { id, name: id, probability: 0.5, tasks: [], gates: [], transitions: [] });
        redraw();
      } }, App.t('processes.addStage', 'Add stage')));
    document.getElementById('form').replaceChildren(head, ...stages, newStage,
      App.field(App.t('processes.orderLink', 'Order link (JSON)'), orderLink));
  },

  // The stage's sub-process: a published process kind (not this one) whose child deal the stage waits for, and who owns the child.
  subProcessRow(s, d) {
    const kinds = (ProcessPage.kinds || []).filter(k => k.kind !== d.kind);
    if (s.subProcess?.kind && !kinds.some(k => k.kind === s.subProcess.kind)) kinds.push({ kind: s.subProcess.kind, name: s.subProcess.kind });
    const owner = ProcessPage.bind(App.el('input', { name: 'subProcessOwnerRole', size: 12, placeholder: 'owner', 'aria-label': App.t('processes.subProcess.ownerRole', 'Child owner (owner or a role)') }),
      () => s.subProcess?.ownerRole, v => { if (s.subProcess) s.subProcess.ownerRole = v.trim() || undefined; });
    owner.hidden = !s.subProcess;
    const kind = ProcessPage.bind(App.el('select', { name: 'subProcess', 'aria-label': App.t('processes.subProcess', 'Starts sub-process') },
      [App.el('option', { value: '' }, App.t('processes.subProcess.none', '(none)')), ...kinds.map(k => App.el('option', { value: k.kind }, `${k.name} (${k.kind})`))]),
    () => s.subProcess?.kind || '', v => {
      if (!v) delete s.subProcess; else s.subProcess = { ...(s.subProcess || {}), kind: v };
      owner.hidden = !v;
    });
    return App.el('div', { class: 'row subprocess' }, App.field(App.t('processes.subProcess', 'Starts sub-process'), kind),
      App.field(App.t('processes.subProcess.ownerRole', 'Child owner (owner or a role)'), owner));
  },

  problems(list) {
    const box = document.getElementById('problems');
    for (const s of document.querySelectorAll('.stage')) s.classList.toggle('has-problem', list.some(p => p.includes(`'${s.dataset.stage}'`) || p.includes(`"${s.dataset.stage}"`)));
    box.replaceChildren(list.length
      ? App.el('div', { class: 'error', role: 'alert' }, App.t('processes.problems', '{n} problem(s):', { n: list.length }), App.el('ul', {}, list.map(p => App.el('li', {}, p))))
      : App.el('p', { class: 'ok' }, App.t('processes.valid', 'No problems found.')));
  },

  async check() {
    let body;
    try { body = ProcessPage.current(); } catch (e) { ProcessPage.problems([App.t('processes.badJson', 'Not valid JSON: {error}', { error: e.message })]); return false; }
    const r = await App.api('POST', '/api/processes/validate', body);
    if (r.ok) { ProcessPage.problems([]); return true; }
    if (r.data?.errors?.definition) ProcessPage.problems(r.data.errors.definition);
    else document.getElementById('problems').replaceChildren(App.problem(r));
    return false;
  },

  async publish() {
    const message = document.getElementById('message');
    message.replaceChildren();
    if (!await ProcessPage.check()) return;
    const r = await App.api('POST', '/api/processes', ProcessPage.current());
    if (!r.ok) {
      const p = r.data?.errors?.definition;
      if (p) ProcessPage.problems(p); else message.replaceChildren(App.problem(r));
      return;
    }
    message.textContent = App.t('processes.published', 'Published as version {version}. Running deals keep their version.', { version: r.data.version });
    await ProcessPage.open(ProcessPage.kind);
  },

  async diff() {
    const picked = [...document.querySelectorAll('input[name=compare]:checked')].map(i => Number(i.value)).sort((a, b) => a - b);
    const out = document.getElementById('diffOut');
    if (picked.length !== 2) { out.hidden = false; out.replaceChildren(App.t('processes.pickTwo', 'Tick exactly two versions.')); return; }
    const [a, b] = await Promise.all(picked.map(v => App.api('GET', `/api/processes/${encodeURIComponent(ProcessPage.kind)}/versions/${v}`)));
    const lines = r => { const d = typeof r.data === 'string' ? JSON.parse(r.data) : r.data; delete d.version; return JSON.stringify(d, null, 2).split('\n'); };
    const x = lines(a), y = lines(b);
    // Longest common subsequence over lines: enough for definitions of a few hundred lines.
    const n = x.length, m = y.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const rows = [];
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) { i++; j++; continue; }
      // Removed lines before the lines that replace them.
      if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) rows.push(App.el('span', { class: 'del' }, `- ${x[i++]}`));
      else rows.push(App.el('span', { class: 'add' }, `+ ${y[j++]}`));
    }
    out.hidden = false;
    out.replaceChildren(App.el('strong', {}, App.t('processes.diffTitle', 'Version {a} → {b}', { a: picked[0], b: picked[1] })), '\n',
      ...(rows.length ? rows : [App.t('processes.same', 'No differences.')]));
  },
};

ProcessPage.init();
