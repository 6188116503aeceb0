// The account page: my profile and language, change my password; for admins, reset passwords, (de)activate users
// and manage API tokens. Everything the server answers is put into the page as text (App.el), never as markup.
const say = (id, content, ok) => {
  const box = document.getElementById(id);
  box.replaceChildren(content);
  box.className = ok ? 'ok' : '';
};
const list = value => value.split(',').map(v => v.trim()).filter(v => v);
const submitOf = form => form.querySelector('button[type=submit]');
let departments = [];

document.getElementById('language').addEventListener('submit', async event => {
  event.preventDefault();
  const language = new FormData(event.target).get('language') || '';
  await App.busy(submitOf(event.target), async () => {
    const r = await App.api('PUT', '/api/account/language', { language });
    if (!r.ok) { say('language-message', App.problem(r), false); return; }
    // The page is drawn again in the chosen language.
    location.reload();
  });
});

// Notifications by mail as well as in the app (on by default; an API token's service user has no such preference).
document.getElementById('mailPreference').addEventListener('submit', async event => {
  event.preventDefault();
  const notifyByMail = event.target.elements.notifyByMail.checked;
  await App.busy(submitOf(event.target), async () => {
    const r = await App.api('PUT', '/api/account/mail-preference', { notifyByMail });
    say('mail-preference-message', r.ok ? App.t('account.notifyByMail.saved', 'Saved.') : App.problem(r), r.ok);
  });
});

document.getElementById('password').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  await App.busy(submitOf(event.target), async () => {
    const r = await App.api('POST', '/api/account/password', { currentPassword: form.get('currentPassword'), newPassword: form.get('newPassword') });
    if (r.ok) event.target.reset();
    say('password-message', r.ok ? App.t('account.password.changed', 'Password changed; {n} other session(s) signed out.', { n: r.data.endedSessions }) : App.problem(r), r.ok);
  });
});

async function loadUsers() {
  const r = await App.api('GET', '/api/users');
  if (!r.ok) { say('users-message', App.problem(r), false); return; }
  const departmentName = id => departments.find(d => d.id === id)?.name || id || '';
  document.querySelector('#users tbody').replaceChildren(...r.data.map(u => {
    const password = App.el('input', { type: 'password', autocomplete: 'new-password', minlength: '10',
      'aria-label': App.t('account.reset.label', 'New password for {name}', { name: u.displayName }), placeholder: App.t('account.reset.placeholder', 'new password') });
    const reset = App.el('button', { type: 'button', onclick: e => App.busy(e.currentTarget, async () => {
      const answer = await App.api('POST', `/api/users/${encodeURIComponent(u.userName)}/password`, { newPassword: password.value });
      password.value = '';
      say('users-message', answer.ok ? App.t('account.reset.done', 'Password of {user} reset; {n} session(s) ended.', { user: u.userName, n: answer.data.endedSessions }) : App.problem(answer), answer.ok);
    }) }, App.t('account.reset', 'Reset'));
    const active = App.el('input', { type: 'checkbox', checked: u.active, 'aria-label': App.t('account.active.label', '{name} is active', { name: u.displayName }),
      onchange: async event => {
        event.target.disabled = true;
        const answer = await App.api('PUT', `/api/users/${encodeURIComponent(u.userName)}/active`, { active: event.target.checked });
        say('users-message', answer.ok ? (answer.data.active ? App.t('account.nowActive', '{user} is now active.', { user: u.userName })
          : App.t('account.nowInactive', '{user} is now inactive.', { user: u.userName })) : App.problem(answer), answer.ok);
        await loadUsers();
      } });
    return App.el('tr', { dataset: { user: u.userName } }, App.el('td', {}, u.userName), App.el('td', {}, u.displayName),
      App.el('td', {}, u.roles.map(role => App.t(`role.${role}`, role)).join(', ')),
      App.el('td', {}, departmentName(u.department)), App.el('td', {}, active), App.el('td', {}, password, ' ', reset));
  }));
  // The token's user: any active user, the integrations' service account included (tokens are for it).
  const select = document.querySelector('#new-token select[name=userName]');
  const chosen = select.value;
  select.replaceChildren(App.el('option', { value: '' }, App.t('account.token.me', '(me)')),
    ...r.data.filter(u => u.active).map(u => App.el('option', { value: u.userName }, `${u.displayName} (${u.userName})`)));
  select.value = chosen;
}

async function loadTokens() {
  const r = await App.api('GET', '/api/tokens');
  if (!r.ok) { say('token-message', App.problem(r), false); return; }
  const body = document.querySelector('#tokens tbody');
  if (!r.data.length) {
    body.replaceChildren(App.el('tr', {}, App.el('td', { colspan: '7', class: 'muted' }, App.t('account.tokens.none', 'No tokens yet. Issue one above for an integration (telephony, web form, scripts).'))));
    return;
  }
  const status = s => ({ active: App.t('account.token.active', 'active'), revoked: App.t('account.token.revoked', 'revoked'), expired: App.t('account.token.expired', 'expired') }[s] || s);
  body.replaceChildren(...r.data.map(t => App.el('tr', { dataset: { token: t.id } },
    App.el('td', {}, t.name), App.el('td', {}, App.name(t.userName)), App.el('td', {}, (t.scopes || [App.t('account.token.allScopes', '(all)')]).join(', ')),
    App.el('td', {}, (t.departments || [App.t('account.token.usersDepartments', "(user's)")]).join(', ')),
    App.el('td', {}, t.expiresAt ? App.fmt.date(t.expiresAt) : App.t('account.token.never', 'never')),
    App.el('td', {}, status(t.status)),
    App.el('td', {}, t.status === 'active' ? App.el('button', { type: 'button', onclick: e => App.busy(e.currentTarget, async () => {
      const answer = await App.api('DELETE', `/api/tokens/${t.id}`);
      say('token-message', answer.ok ? App.t('account.token.revokedDone', 'Token "{name}" revoked.', { name: t.name }) : App.problem(answer), answer.ok);
      await loadTokens();
    }) }, App.t('account.token.revoke', 'Revoke')) : ''))));
}

document.getElementById('new-token').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { name: form.get('name') };
  if (form.get('userName')) body.userName = form.get('userName');
  if (form.get('scopes')) body.scopes = list(form.get('scopes'));
  if (form.getAll('departments').length) body.departments = form.getAll('departments');
  if (form.get('expiresAt')) body.expiresAt = new Date(form.get('expiresAt') + 'T23:59:59Z').toISOString();
  await App.busy(submitOf(event.target), async () => {
    const r = await App.api('POST', '/api/tokens', body);
    // The token is shown this once; only its hash is kept.
    say('token-message', r.ok ? App.t('account.token.issued', 'Token for {user}: {token} (copy it now, it is not shown again)', { user: r.data.userName, token: r.data.token }) : App.problem(r), r.ok);
    if (r.ok) event.target.reset();
    await loadTokens();
  });
});

(async () => {
  const me = await App.start('account');
  const departmentsAnswer = App.can('people.read') ? await App.api('GET', '/api/departments') : { ok: false };
  departments = departmentsAnswer.ok ? departmentsAnswer.data : [];
  document.getElementById('profileName').textContent = `${me.displayName} (${me.userName})`;
  document.getElementById('profileDepartment').textContent = departments.find(d => d.id === me.department)?.name || me.department || '—';
  document.getElementById('profileExtension').textContent = me.extension || App.t('account.extension.none', 'none');
  const preference = await App.api('GET', '/api/account/mail-preference');
  if (preference.ok) document.getElementById('mailPreference').elements.notifyByMail.checked = preference.data.notifyByMail;
  else document.getElementById('mailPreference').hidden = true;
  // Shown in the user's format, so a user sees at once how dates and money will look.
  document.getElementById('profileToday').textContent = `${App.fmt.date(new Date())} · ${App.fmt.money(1234.5, 'EUR')}`;
  document.querySelector('#language select').value = me.language || '';
  if (App.can('user.admin')) {
    document.getElementById('admin').hidden = false;
    const all = await App.api('GET', '/api/departments');
    document.querySelector('#new-token select[name=departments]').replaceChildren(
      ...(all.ok ? all.data : []).map(d => App.el('option', { value: d.id }, d.name)));
    await Promise.all([loadUsers(), loadTokens()]);
  }
  document.body.dataset.ready = 'on';
})();
