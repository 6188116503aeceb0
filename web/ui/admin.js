// Administration without a technician: people (GET/POST/PUT /api/admin/users — an admin for everyone, a department
// head for their own people), departments (/api/admin/departments) and working calendars (/api/calendars, holiday
// lists imported as CSV or JSON). Every change applies on every node at once.
const AdminPage = {
  users: [],
  departments: [],
  calendars: [],
  editing: null,

  async init() {
    await App.start('admin');
    for (const tab of document.querySelectorAll('[data-tab]')) tab.addEventListener('click', () => AdminPage.show(tab.dataset.tab));
    document.getElementById('newPerson').addEventListener('click', () => AdminPage.editPerson(null));
    document.getElementById('departments').hidden = true;
    if (!App.can('department.admin')) document.getElementById('departmentForm').hidden = true;
    if (!App.can('calendar.admin')) { document.getElementById('calendarForm').hidden = true; document.getElementById('importForm').hidden = true; }
    await AdminPage.load();
    AdminPage.show(App.param('tab') || 'people');
    document.body.dataset.ready = 'on';
  },

  show(name) {
    for (const tab of document.querySelectorAll('[data-tab]')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
    for (const panel of document.querySelectorAll('.panel')) panel.hidden = panel.id !== name;
  },

  // A refusal always shows; a success shows only when it has something to say, so a follow-up read (the days after an
  // import) does not wipe the confirmation the person is reading.
  say(result, okText) {
    const message = document.getElementById('message');
    if (result && !result.ok) { message.replaceChildren(App.problem(result)); return false; }
    if (okText) message.replaceChildren(App.el('span', { class: 'ok' }, okText));
    return true;
  },

  async load() {
    const [users, departments, calendars] = await Promise.all([
      App.api('GET', '/api/admin/users'), App.api('GET', '/api/admin/departments'), App.api('GET', '/api/calendars')]);
    if (!users.ok) { AdminPage.say(users); return; }
    AdminPage.users = users.data;
    AdminPage.departments = departments.ok ? departments.data : [];
    AdminPage.calendars = calendars.ok ? calendars.data : [];
    AdminPage.renderPeople();
    AdminPage.renderDepartments();
    AdminPage.renderCalendars();
  },

  // At phone size each list becomes one card per row (App.stack), so no column is squeezed to a letter a line.
  table(items, columns, rowAttrs) {
    const table = App.table(items, columns, rowAttrs);
    return table.tagName === 'TABLE' ? App.stack(table) : table;
  },

  calendarName(id) { return AdminPage.calendars.find(c => c.id === id)?.name || id || ''; },

  renderPeople() {
    const table = AdminPage.table(AdminPage.users, [
      { key: 'displayName', label: App.t('admin.col.name', 'Name'), value: u => App.el('span', {}, u.displayName, App.el('small', {}, ` ${u.userName}`)) },
      { key: 'roles', label: App.t('admin.col.roles', 'Roles'), value: u => u.roles.map(r => App.t(`role.${r}`, r)).join(', ') },
      { key: 'department', label: App.t('admin.col.department', 'Department') },
      { key: 'extension', label: App.t('admin.col.extension', 'Extension') },
      { key: 'effectiveCalendar', label: App.t('admin.col.calendar', 'Calendar'), value: u => AdminPage.calendarName(u.effectiveCalendar) },
      { key: 'shift', label: App.t('admin.col.shift', 'Shift'), value: u => `${u.workStart}–${u.workEnd} ${u.timeZone}` },
      { key: 'absence', label: App.t('admin.col.absence', 'Away'), value: u => u.absentFrom ? App.t('admin.away', '{from}–{until} → {deputy}',
        { from: u.absentFrom, until: u.absentUntil || '…', deputy: App.name(u.deputy) }) : '' },
      { key: 'openTasks', label: App.t('admin.col.openTasks', 'Open tasks') },
      { key: 'edit', label: '', value: u => App.el('span', { class: 'actions' },
        App.el('button', { type: 'button', class: 'edit', onclick: () => AdminPage.editPerson(u) }, App.t('admin.edit', 'Edit')),
        u.userName === App.me.userName ? null : App.el('button', { type: 'button', class: 'toggle', onclick: e => AdminPage.setActive(e.currentTarget, u, !u.active) },
          u.active ? App.t('admin.deactivate', 'Deactivate') : App.t('admin.activate', 'Activate'))) },
    ], u => ({ 'data-user': u.userName, class: u.active ? '' : 'inactive' }));
    document.getElementById('peopleTable').replaceChildren(table);
  },

  input(name, value, attrs) { return App.el('input', { name, value: value ?? '', ...(attrs || {}) }); },

  select(name, value, options) {
    const s = App.el('select', { name }, options.map(([v, label]) => App.el('option', { value: v }, label)));
    s.value = value ?? '';
    return s;
  },

  editPerson(u) {
    AdminPage.editing = u;
    const form = document.getElementById('personForm');
    const isAdmin = (App.me.roles || []).includes('admin');
    const roles = isAdmin ? ['manager', 'supervisor', 'engineer', 'warehouse', 'marketer', 'admin'] : ['manager', 'engineer', 'warehouse', 'marketer'];
    const held = new Set(u?.roles || ['manager']);
    const days = new Set(u?.workDays || [1, 2, 3, 4, 5]);
    const dayNames = [1, 2, 3, 4, 5, 6, 7].map(d => [d, new Intl.DateTimeFormat(App.locale, { weekday: 'short' }).format(new Date(2024, 0, d))]);
    const departments = [['', App.t('admin.none', '—')], ...AdminPage.departments.map(d => [d.id, d.name])];
    const calendars = [['', App.t('admin.calendar.department', 'the department\'s')], ...AdminPage.calendars.map(c => [c.id, c.name])];
    const deputies = [['', App.t('admin.none', '—')], ...AdminPage.users.filter(x => x.active && x.userName !== u?.userName).map(x => [x.userName, x.displayName])];
    form.replaceChildren(...[
      u ? null : App.field(App.t('admin.userName', 'Login'), AdminPage.input('userName', '', { required: true, autocomplete: 'off' })),
      u ? null : App.field(App.t('admin.password', 'Initial password'), AdminPage.input('password', '', { type: 'password', required: true, autocomplete: 'new-password' })),
      App.field(App.t('admin.displayName', 'Name'), AdminPage.input('displayName', u?.displayName, { required: true })),
      App.field(App.t('admin.email', 'E-mail'), AdminPage.input('email', u?.email, { type: 'email' })),
      App.field(App.t('admin.col.department', 'Department'), AdminPage.select('department', u ? u.department : App.me.department, departments)),
      App.field(App.t('admin.col.extension', 'Extension'), AdminPage.input('extension', u?.extension, { inputmode: 'numeric' })),
      App.field(App.t('admin.language', 'Language'), AdminPage.select('language', u?.language, [['', App.t('admin.language.browser', 'the browser\'s')], ['en', 'English'], ['ru', 'Русский'], ['de', 'Deutsch']])),
      App.field(App.t('admin.col.calendar', 'Calendar'), AdminPage.select('calendarId', u?.calendarId, calendars)),
      App.field(App.t('admin.timeZone', 'Time zone'), AdminPage.input('timeZone', u?.timeZone || 'Europe/Berlin', { required: true })),
      App.field(App.t('admin.workStart', 'Shift starts'), AdminPage.input('workStart', u?.workStart || '09:00', { type: 'time' })),
      App.field(App.t('admin.workEnd', 'Shift ends'), AdminPage.input('workEnd', u?.workEnd || '18:00', { type: 'time' })),
      App.el('fieldset', { class: 'wide' }, App.el('legend', {}, App.t('admin.workDays', 'Working days')),
        dayNames.map(([d, n]) => App.el('label', {}, App.el('input', { type: 'checkbox', name: 'workDays', value: d, checked: days.has(d) }), n))),
      App.el('fieldset', { class: 'wide' }, App.el('legend', {}, App.t('admin.col.roles', 'Roles')),
        roles.map(r => App.el('label', {}, App.el('input', { type: 'checkbox', name: 'roles', value: r, checked: held.has(r) }), App.t(`role.${r}`, r)))),
      App.field(App.t('admin.absentFrom', 'Away from'), AdminPage.input('absentFrom', u?.absentFrom, { type: 'date' })),
      App.field(App.t('admin.absentUntil', 'Away until'), AdminPage.input('absentUntil', u?.absentUntil, { type: 'date' })),
      App.field(App.t('admin.deputy', 'Deputy while away'), AdminPage.select('deputy', u?.deputy, deputies)),
      App.el('div', { class: 'actions wide' },
        App.el('button', { type: 'submit', class: 'primary' }, u ? App.t('admin.save', 'Save') : App.t('admin.create', 'Create')),
        App.el('button', { type: 'button', onclick: () => { form.hidden = true; } }, App.t('admin.cancel', 'Cancel')))].filter(Boolean));
    form.onsubmit = e => { e.preventDefault(); AdminPage.savePerson(e.submitter || form.querySelector('[type=submit]')); };
    form.hidden = false;
    form.querySelector('input')?.focus();
  },

  async savePerson(button) {
    const form = document.getElementById('personForm');
    const data = new FormData(form);
    const text = name => (data.get(name) ?? '').toString().trim() || null;
    const body = {
      userName: text('userName'), password: data.get('password') || null, displayName: text('displayName'), email: text('email'),
      roles: data.getAll('roles'), department: text('department'), extension: text('extension'), language: text('language'),
      calendarId: text('calendarId'), timeZone: text('timeZone'), workStart: text('workStart'), workEnd: text('workEnd'),
      workDays: data.getAll('workDays').map(Number), absentFrom: text('absentFrom'), absentUntil: text('absentUntil'), deputy: text('deputy'),
    };
    const u = AdminPage.editing;
    await App.busy(button, async () => {
      const r = u ? await App.api('PUT', `/api/admin/users/${encodeURIComponent(u.userName)}`, body) : await App.api('POST', '/api/admin/users', body);
      if (!AdminPage.say(r, App.t('admin.saved', 'Saved: {name}.', { name: body.displayName }))) return;
      form.hidden = true;
      await AdminPage.load();
    });
  },

  async setActive(button, u, active) {
    await App.busy(button, async () => {
      const r = await App.api('PUT', `/api/admin/users/${encodeURIComponent(u.userName)}/active`, { active });
      if (AdminPage.say(r, active ? App.t('admin.activated', '{name} can sign in again.', { name: u.displayName })
        : App.t('admin.deactivated', '{name} is deactivated and signed out.', { name: u.displayName }))) await AdminPage.load();
    });
  },

  renderDepartments() {
    const calendars = [['', App.t('admin.none', '—')], ...AdminPage.calendars.map(c => [c.id, c.name])];
    const heads = [['', App.t('admin.none', '—')], ...AdminPage.users.filter(u => u.active).map(u => [u.userName, u.displayName])];
    const form = document.getElementById('departmentForm');
    const fill = d => {
      form.elements.id.value = d?.id || '';
      form.elements.name.value = d?.name || '';
      form.elements.supervisor.value = d?.supervisor || '';
      form.elements.calendarId.value = d?.calendarId || '';
    };
    form.replaceChildren(
      App.field(App.t('admin.department.id', 'Id'), AdminPage.input('id', '', { required: true, placeholder: 'service-east' })),
      App.field(App.t('admin.displayName', 'Name'), AdminPage.input('name', '', { required: true })),
      App.field(App.t('admin.department.head', 'Head'), AdminPage.select('supervisor', '', heads)),
      App.field(App.t('admin.col.calendar', 'Calendar'), AdminPage.select('calendarId', '', calendars)),
      App.el('div', { class: 'actions' }, App.el('button', { type: 'submit', class: 'primary' }, App.t('admin.save', 'Save'))));
    form.onsubmit = async e => {
      e.preventDefault();
      const f = form.elements;
      await App.busy(e.submitter, async () => {
        const r = await App.api('PUT', `/api/admin/departments/${encodeURIComponent(f.id.value.trim())}`,
          { name: f.name.value, supervisor: f.supervisor.value || null, calendarId: f.calendarId.value || '' });
        if (AdminPage.say(r, App.t('admin.saved', 'Saved: {name}.', { name: f.name.value }))) await AdminPage.load();
      });
    };
    document.getElementById('departmentTable').replaceChildren(AdminPage.table(AdminPage.departments, [
      { key: 'id', label: App.t('admin.department.id', 'Id') },
      { key: 'name', label: App.t('admin.displayName', 'Name') },
      { key: 'supervisor', label: App.t('admin.department.head', 'Head'), value: d => App.name(d.supervisor) },
      { key: 'calendarId', label: App.t('admin.col.calendar', 'Calendar'), value: d => AdminPage.calendarName(d.calendarId) },
      { key: 'people', label: App.t('admin.department.people', 'People') },
      { key: 'keywords', label: App.t('admin.keywords', 'Routing keywords'), value: d => App.el('span', { class: 'keywords' },
        ['en', 'ru', 'de'].filter(l => (d.keywords?.[l] || []).length).map(l => App.el('span', { 'data-language': l },
          App.el('b', {}, `${l}: `), d.keywords[l].join(', ')))) },
      { key: 'edit', label: '', value: d => App.el('span', { class: 'actions' },
        App.can('department.admin') ? App.el('button', { type: 'button', onclick: () => fill(d) }, App.t('admin.edit', 'Edit')) : null,
        AdminPage.mayEditKeywords(d) ? App.el('button', { type: 'button', class: 'edit-keywords', onclick: () => AdminPage.editKeywords(d) }, App.t('admin.keywords.edit', 'Keywords')) : null,
        App.el('a', { href: `/supervisor.html?department=${encodeURIComponent(d.id)}` }, App.t('admin.department.queue', 'Queue settings'))) },
    ], d => ({ 'data-department': d.id })));
  },

  // An admin edits every department's keywords, a head their own (the API checks the same).
  mayEditKeywords(d) {
    return App.can('routing.keywords') && ((App.me.roles || []).includes('admin') || d.id === App.me.department);
  },

  editKeywords(d) {
    const form = document.getElementById('keywordForm');
    const languages = [['en', 'English'], ['ru', 'Русский'], ['de', 'Deutsch']];
    form.replaceChildren(
      App.el('h2', { class: 'wide' }, App.t('admin.keywords.title', 'Routing keywords of {department}', { department: d.name })),
      App.el('p', { class: 'muted wide' }, App.t('admin.keywords.help', 'One keyword per line. A keyword matches the beginning of a word in any case, with umlauts, ß and ё folded: "Kühlschrank" also finds "Kühlschränke", "холодильник" also "холодильники".')),
      ...languages.map(([l, name]) => App.field(name, App.el('textarea', { name: l, rows: 6, lang: l }, (d.keywords?.[l] || []).join('\n')))),
      App.el('div', { class: 'actions wide' },
        App.el('button', { type: 'submit', class: 'primary' }, App.t('admin.save', 'Save')),
        App.el('button', { type: 'button', onclick: () => { form.hidden = true; } }, App.t('admin.cancel', 'Cancel'))));
    form.onsubmit = async e => {
      e.preventDefault();
      const keywords = {};
      for (const [l] of languages) keywords[l] = form.elements[l].value.split('\n').map(k => k.trim()).filter(k => k.length);
      await App.busy(e.submitter || form.querySelector('[type=submit]'), async () => {
        const r = await App.api('PUT', `/api/admin/departments/${encodeURIComponent(d.id)}/keywords`, { keywords });
        if (!AdminPage.say(r, App.t('admin.keywords.saved', 'Routing keywords of {department} saved; they apply to the next lead.', { department: d.name }))) return;
        form.hidden = true;
        await AdminPage.load();
      });
    };
    form.dataset.department = d.id;
    form.hidden = false;
    form.querySelector('textarea')?.focus();
  },

  renderCalendars() {
    const form = document.getElementById('calendarForm');
    form.replaceChildren(
      App.field(App.t('admin.department.id', 'Id'), AdminPage.input('id', '', { required: true, placeholder: 'DE-BY' })),
      App.field(App.t('admin.displayName', 'Name'), AdminPage.input('name', '', { required: true })),
      App.field(App.t('admin.calendar.country', 'Country (ISO)'), AdminPage.input('country', '', { maxlength: 2 })),
      App.el('div', { class: 'actions' }, App.el('button', { type: 'submit', class: 'primary' }, App.t('admin.calendar.create', 'Create calendar'))));
    form.onsubmit = async e => {
      e.preventDefault();
      const f = form.elements;
      await App.busy(e.submitter, async () => {
        const r = await App.api('PUT', `/api/calendars/${encodeURIComponent(f.id.value.trim())}`, { name: f.name.value, country: f.country.value || null });
        if (AdminPage.say(r, App.t('admin.saved', 'Saved: {name}.', { name: f.name.value }))) await AdminPage.load();
      });
    };
    const importForm = document.getElementById('importForm');
    importForm.replaceChildren(
      App.field(App.t('admin.col.calendar', 'Calendar'), AdminPage.select('calendar', AdminPage.calendars[0]?.id, AdminPage.calendars.map(c => [c.id, c.name]))),
      App.field(App.t('admin.calendar.file', 'Holiday list (CSV or JSON)'), App.el('input', { type: 'file', name: 'file', accept: '.csv,.json,.txt,text/csv,application/json', required: true })),
      App.el('p', { class: 'muted wide' }, App.t('admin.calendar.format', 'CSV lines "date;kind;name" (kind: holiday, workday or short — one hour shorter, or short:90 for minutes) or JSON [{"date","kind","name","minutes"}]; the years in the list replace those years.')),
      App.el('div', { class: 'actions' }, App.el('button', { type: 'submit', class: 'primary' }, App.t('admin.calendar.import', 'Import'))));
    importForm.onsubmit = async e => {
      e.preventDefault();
      const file = importForm.elements.file.files[0];
      const id = importForm.elements.calendar.value;
      if (!file || !id) return;
      await App.busy(e.submitter, async () => {
        const text = await file.text();
        const json = /^\s*[[{]/.test(text);
        const response = await fetch(`/api/calendars/${encodeURIComponent(id)}/days`, {
          method: 'POST', headers: { 'Content-Type': json ? 'application/json' : 'text/csv', 'X-CSRF-TOKEN': await App.csrfToken() }, body: text });
        const data = (response.headers.get('content-type') || '').includes('json') ? await response.json() : null;
        const r = { ok: response.ok, status: response.status, data };
        if (AdminPage.say(r, App.t('admin.calendar.imported', 'Imported {days} day(s) for {years} year(s).', { days: data?.days ?? 0, years: data?.years ?? 0 }))) {
          await AdminPage.load();
          await AdminPage.showDays(id);
        }
      });
    };
    document.getElementById('calendarTable').replaceChildren(AdminPage.table(AdminPage.calendars, [
      { key: 'id', label: App.t('admin.department.id', 'Id') },
      { key: 'name', label: App.t('admin.displayName', 'Name') },
      { key: 'country', label: App.t('admin.calendar.country', 'Country (ISO)') },
      { key: 'years', label: App.t('admin.calendar.years', 'Years'), value: c => (c.years || []).join(', ') }, // years, not amounts: no digit grouping
      { key: 'holidays', label: App.t('admin.calendar.holidays', 'Holidays') },
      { key: 'workdays', label: App.t('admin.calendar.workdays', 'Working weekend days') },
      { key: 'shortDays', label: App.t('admin.calendar.shortDays', 'Short days') },
      { key: 'show', label: '', value: c => App.el('button', { type: 'button', onclick: () => AdminPage.showDays(c.id) }, App.t('admin.calendar.show', 'Show days')) },
    ], c => ({ 'data-calendar': c.id })));
  },

  async showDays(id) {
    const r = await App.api('GET', `/api/calendars/${encodeURIComponent(id)}`);
    if (!AdminPage.say(r)) return;
    document.getElementById('daysTitle').textContent = r.data.name;
    document.getElementById('dayTable').replaceChildren(AdminPage.table(r.data.days, [
      { key: 'date', label: App.t('admin.calendar.date', 'Date'), value: d => App.fmt.date(new Date(d.date + 'T12:00:00')) },
      { key: 'kind', label: App.t('admin.calendar.kind', 'Kind'), value: d => AdminPage.kindText(d) },
      { key: 'name', label: App.t('admin.displayName', 'Name') },
      { key: 'edit', label: '', value: d => App.can('calendar.admin')
        ? App.el('button', { type: 'button', class: 'edit-day', onclick: () => AdminPage.fillDay(d) }, App.t('admin.edit', 'Edit')) : '' },
    ], d => ({ 'data-date': d.date, class: d.kind })));
    AdminPage.renderDayForm(id);
  },

  kindText(d) {
    if (d.kind === 'holiday') return App.t('admin.calendar.holiday', 'day off');
    if (d.kind === 'short') return App.t('admin.calendar.short', 'short day (−{minutes} min)', { minutes: d.minutes });
    return App.t('admin.calendar.workday', 'working day');
  },

  fillDay(d) {
    const f = document.getElementById('dayForm').elements;
    f.date.value = d.date;
    f.kind.value = d.kind;
    f.minutes.value = d.kind === 'short' ? d.minutes : '';
    f.name.value = d.name;
    f.kind.dispatchEvent(new Event('change'));
  },

  // One day set by hand: a holiday, a worked weekend day, or a short pre-holiday day (one hour shorter by default).
  renderDayForm(id) {
    const form = document.getElementById('dayForm');
    if (!App.can('calendar.admin')) { form.hidden = true; return; }
    const kinds = [['holiday', App.t('admin.calendar.holiday', 'day off')], ['workday', App.t('admin.calendar.workday', 'working day')],
      ['short', App.t('admin.calendar.shortKind', 'short day')]];
    const minutes = AdminPage.input('minutes', '60', { type: 'number', min: 1, max: 480 });
    const kind = AdminPage.select('kind', 'short', kinds);
    const minutesField = App.field(App.t('admin.calendar.minutes', 'Shorter by (minutes)'), minutes);
    kind.addEventListener('change', () => { minutesField.hidden = kind.value !== 'short'; });
    form.replaceChildren(
      App.field(App.t('admin.calendar.date', 'Date'), AdminPage.input('date', '', { type: 'date', required: true })),
      App.field(App.t('admin.calendar.kind', 'Kind'), kind),
      minutesField,
      App.field(App.t('admin.displayName', 'Name'), AdminPage.input('name', '', { required: true })),
      App.el('div', { class: 'actions' }, App.el('button', { type: 'submit', class: 'primary' }, App.t('admin.calendar.setDay', 'Set day'))));
    form.onsubmit = async e => {
      e.preventDefault();
      const f = form.elements;
      const body = { kind: f.kind.value, name: f.name.value, minutes: f.kind.value === 'short' ? Number(f.minutes.value) || null : null };
      await App.busy(e.submitter || form.querySelector('[type=submit]'), async () => {
        const r = await App.api('PUT', `/api/calendars/${encodeURIComponent(id)}/days/${encodeURIComponent(f.date.value)}`, body);
        if (AdminPage.say(r, App.t('admin.saved', 'Saved: {name}.', { name: f.name.value }))) {
          await AdminPage.load();
          await AdminPage.showDays(id);
        }
      });
    };
    form.dataset.calendar = id;
    form.hidden = false;
  },
};

AdminPage.init();
