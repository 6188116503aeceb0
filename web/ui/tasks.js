// "My tasks": the deal tasks one executes and the customer tasks (call-backs of missed calls, tasks about a contact),
// in one list by deadline. Rows are kept across pushes (merge.js), so a result or a file being chosen survives.
const Tasks = {
  rows: new Map(),
  async init() {
    await App.start('tasks');
    document.querySelector('main h1').textContent = App.t('tasks.title', 'My tasks');
    document.querySelector('#tasks thead tr').replaceChildren(...[App.t('tasks.deadline', 'Deadline'), App.t('tasks.task', 'Task'), App.t('tasks.subject', 'Deal or customer'),
      App.t('tasks.stage', 'Stage'), App.t('tasks.complete', 'Complete'), App.t('tasks.attachHeader', 'Attach a document')].map(h => App.el('th', {}, h)));
    document.getElementById('tasksEmpty').textContent = App.t('tasks.empty', 'No open tasks. New tasks of your deals and call-backs of missed calls appear here.');
    const reload = Tasks.reload = App.serial(() => Tasks.load(), 250);
    await reload();
    // Any change to a deal, lead, contact or call that concerns me may add, move or close one of my tasks.
    await App.live(() => reload(), reload);
  },

  async load() {
    const me = encodeURIComponent(App.me.userName);
    const [deals, customers] = await Promise.all([
      App.api('GET', `/api/tasks?executor=${me}`),
      App.can('contact.read') ? App.api('GET', `/api/contact-tasks?executor=${me}`) : Promise.resolve({ ok: true, data: [] }),
    ]);
    if (!deals.ok || !customers.ok) return;
    // Each deal's own process version, for the task's title and stage name in the reader's language.
    const wanted = new Map(deals.data.filter(t => t.processKind).map(t => [`${t.processKind}/${t.processVersion}`, t]));
    const versions = new Map(await Promise.all([...wanted].map(async ([key, t]) => [key, await App.processVersion(t.processKind, t.processVersion)])));
    for (const t of deals.data) t.process = versions.get(`${t.processKind}/${t.processVersion}`) || null;
    const items = [
      ...deals.data.map(t => ({ ...t, key: `${t.dealId}/${t.taskId}` })),
      ...customers.data.filter(t => t.status === 'Open').map(t => ({ ...t, key: `contact:${t.contactId}/${t.taskId}` })),
    ].sort((a, b) => new Date(a.deadline) - new Date(b.deadline) || a.key.localeCompare(b.key));
    Merge.rows(document.querySelector('#tasks tbody'), items, t => t.key, Tasks.build, Tasks.update, Tasks.rows);
    App.stack(document.getElementById('tasks'));
    document.getElementById('tasksEmpty').hidden = items.length > 0;
  },

  build(t) {
    const customer = 'contactId' in t;
    const result = App.el('input', { name: 'result', 'aria-label': App.t('tasks.result', 'Result'), placeholder: App.t('tasks.result', 'Result') });
    const message = App.el('div');
    const complete = App.el('button', { class: 'primary', type: 'submit' }, App.t('tasks.done', 'Done'));
    const completeForm = App.el('form', { class: 'complete' }, result, ' ', complete, message);
    completeForm.addEventListener('submit', async event => {
      event.preventDefault();
      if (complete.disabled) return;
      complete.disabled = true;
      try {
        const r = customer
          ? await App.api('POST', `/api/contacts/${t.contactId}/tasks/${t.taskId}/complete`, { note: result.value })
          : await App.api('POST', `/api/deals/${t.dealId}/tasks/${t.taskId}/complete`, { result: result.value });
        message.replaceChildren(r.ok ? '' : App.problem(r));
        if (r.ok) await Tasks.reload();
      } finally { complete.disabled = false; }
    });
    let attachCell = '';
    if (!customer) {
      const kind = App.el('input', { name: 'kind', 'aria-label': App.t('tasks.kind', 'Kind of document'), placeholder: App.t('tasks.kindHint', 'kind, e.g. proposal'), size: 14 });
      const file = App.el('input', { type: 'file', name: 'file', 'aria-label': App.t('tasks.file', 'File') });
      const attach = App.el('button', { type: 'submit' }, App.t('tasks.attach', 'Attach'));
      const note = App.el('div');
      attachCell = App.el('form', { class: 'attach' }, kind, ' ', file, ' ', attach, note);
      attachCell.addEventListener('submit', async event => {
        event.preventDefault();
        if (attach.disabled) return;
        attach.disabled = true;
        try {
          const form = new FormData();
          form.append('kind', kind.value);
          if (file.files[0]) form.append('file', file.files[0]);
          const r = await App.api('POST', `/api/deals/${t.dealId}/documents`, form, true);
          // Cleared after an upload, so the same file is not attached twice.
          if (r.ok) { kind.value = ''; file.value = ''; }
          note.replaceChildren(r.ok ? App.el('span', { class: 'muted' }, App.t('tasks.attached', 'attached')) : App.problem(r));
        } finally { attach.disabled = false; }
      });
    }
    const cells = { deadline: App.el('td'), title: App.el('td'), subject: App.el('td'), stage: App.el('td') };
    const row = App.el('tr', { dataset: { task: customer ? `contact:${t.contactId}/${t.taskId}` : `${t.dealId}/${t.taskId}`, kind: customer ? t.kind : 'deal' } },
      cells.deadline, cells.title, cells.subject, cells.stage, App.el('td', {}, completeForm), App.el('td', {}, attachCell));
    row.parts = cells;
    return row;
  },

  stageName(t) {
    const stage = t.process?.stages?.find(s => s.id === t.stage);
    return stage ? App.local(stage.name, stage.names) : t.stage;
  },

  update(row, t) {
    const customer = 'contactId' in t;
    const cells = row.parts;
    cells.deadline.replaceChildren(App.time(t.deadline), ' ', t.overdueAt ? App.el('span', { class: 'badge overdue' }, App.t('tasks.overdue', 'overdue')) : '');
    cells.title.replaceChildren(customer ? t.title : App.taskTitle(t.process, t, { title: t.dealTitle, lostReason: t.lostReason, owner: t.dealOwner }));
    cells.subject.replaceChildren(customer
      ? App.el('a', { href: `/leads.html?contact=${t.contactId}` }, t.contactName || App.t('tasks.customer', 'customer'))
      : App.el('a', { href: `/deal.html?id=${t.dealId}` }, t.dealTitle));
    cells.stage.replaceChildren(customer
      ? (t.kind === 'call-back' ? App.t('tasks.callBack', 'call back (missed call)') : t.kind)
      : Tasks.stageName(t));
  },
};
Tasks.init();
