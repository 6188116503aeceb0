// The access matrix page (admins): GET /api/access/matrix shows every role × capability cell; changed cells are
// sent with PUT /api/access/matrix. No inline script: this file is the page's only code besides app.js.
const AccessPage = {
  changed: new Map(),

  async init() {
    await App.start('access');
    document.querySelector('#matrix tbody').replaceChildren(App.el('tr', {}, App.el('td', {}, App.loading(6))));
    document.getElementById('save').addEventListener('click', () => AccessPage.save());
    await AccessPage.load();
  },

  async load() {
    const r = await App.api('GET', '/api/access/matrix');
    const message = document.getElementById('message');
    if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
    const m = r.data;
    const cells = new Map(m.cells.map(c => [`${c.role}|${c.capability}`, c]));
    const table = document.getElementById('matrix');
    table.tHead.replaceChildren(App.el('tr', {}, App.el('th', {}, App.t('access.capability', 'Capability')), m.roles.map(role => App.el('th', {}, App.t(`role.${role}`, role)))));
    table.tBodies[0].replaceChildren(...m.capabilities.map(cap => App.el('tr', {},
      App.el('th', { class: 'capability' }, cap.name, App.el('small', {}, cap.description)),
      m.roles.map(role => AccessPage.cell(cells.get(`${role}|${cap.name}`))))));
    AccessPage.changed.clear();
    document.getElementById('save').disabled = true;
  },

  cell(c) {
    const scope = s => App.t(`access.scope.${s}`, s);
    const select = App.el('select', { name: `${c.role}|${c.capability}`, title: App.t('access.default', 'default: {scope}', { scope: scope(c.defaultScope) }),
      'aria-label': `${App.t(`role.${c.role}`, c.role)} · ${c.capability}` },
      ['none', 'own', 'department', 'all'].map(s => App.el('option', { value: s }, scope(s))));
    select.value = c.scope;
    const td = App.el('td', { class: c.scope !== c.defaultScope ? 'custom' : '' }, select);
    select.addEventListener('change', () => {
      const key = select.name;
      if (select.value === c.scope) AccessPage.changed.delete(key);
      else AccessPage.changed.set(key, { role: c.role, capability: c.capability, scope: select.value });
      td.classList.toggle('changed', AccessPage.changed.has(key));
      document.getElementById('save').disabled = AccessPage.changed.size === 0;
    });
    return td;
  },

  async save() {
    const message = document.getElementById('message');
    await App.busy(document.getElementById('save'), async () => {
      const r = await App.api('PUT', '/api/access/matrix', [...AccessPage.changed.values()]);
      if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
      message.textContent = App.t('access.saved', 'Saved {n} change(s).', { n: AccessPage.changed.size });
      await AccessPage.load();
    });
  },
};

AccessPage.init();
