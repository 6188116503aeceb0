const Tasks = {
  rows: new Map(),
  async init() {
    await App.start('tasks');
    await Tasks.load();
    // Any change to a deal that concerns me may add, move or close one of my tasks.
    const reload = App.serial(() => Tasks.load());
    await App.live(() => reload(), reload);
  },

  async load() {
    const tasks = (await App.api('GET', `/api/tasks?executor=${encodeURIComponent(App.me.userName)}`)).data;
    App.keyedRows(document.querySelector('#tasks tbody'), tasks, t => `${t.dealId}/${t.taskId}`, Tasks.row, Tasks.rows);
  },

  row(t) {
    const result = App.el('input', { placeholder: 'result', name: 'result' });
    const message = App.el('div');
    const complete = App.el('button', { class: 'primary', onclick: async () => {
      const r = await App.api('POST', `/api/deals/${t.dealId}/tasks/${t.taskId}/complete`, { result: result.value });
      message.replaceChildren(r.ok ? '' : App.problem(r));
      if (r.ok) await Tasks.load();
    } }, 'Done');
    const kind = App.el('input', { placeholder: 'kind, e.g. proposal', name: 'kind', size: 14 });
    const file = App.el('input', { type: 'file', name: 'file' });
    const attach = App.el('button', { onclick: async () => {
      const form = new FormData();
      form.append('kind', kind.value);
      if (file.files[0]) form.append('file', file.files[0]);
      const r = await App.api('POST', `/api/deals/${t.dealId}/documents`, form, true);
      message.replaceChildren(r.ok ? App.el('span', { class: 'muted' }, 'attached') : App.problem(r));
    } }, 'Attach');
    return App.el('tr', { dataset: { task: `${t.dealId}/${t.taskId}` } },
      App.el('td', {}, App.time(t.deadline), ' ', t.overdueAt ? App.el('span', { class: 'badge overdue' }, 'overdue') : null),
      App.el('td', {}, t.title),
      App.el('td', {}, App.el('a', { href: `/deal.html?id=${t.dealId}` }, t.dealTitle)),
      App.el('td', {}, t.stage),
      App.el('td', {}, result, ' ', complete, message),
      App.el('td', {}, kind, ' ', file, ' ', attach));
  },
};
Tasks.init();
