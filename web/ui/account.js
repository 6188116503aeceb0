// The account page: change my password; for admins, reset passwords, (de)activate users and manage API tokens.
// Everything the server answers is put into the page as text (App.el), never as markup.
const say = (id, text, ok) => {
  const box = document.getElementById(id);
  box.textContent = text;
  box.className = ok ? 'ok' : 'error';
};
const problem = r => (r.data && (r.data.detail || r.data.title)) || `HTTP ${r.status}`;
const list = value => value.split(',').map(v => v.trim()).filter(v => v);

document.getElementById('password').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const r = await App.api('POST', '/api/account/password', { currentPassword: form.get('currentPassword'), newPassword: form.get('newPassword') });
  if (r.ok) event.target.reset();
  say('password-message', r.ok ? `Password changed; ${r.data.endedSessions} other session(s) signed out.` : problem(r), r.ok);
});

async function loadUsers() {
  const r = await App.api('GET', '/api/users');
  if (!r.ok) return;
  document.querySelector('#users tbody').replaceChildren(...r.data.map(u => {
    const password = App.el('input', { type: 'password', autocomplete: 'new-password', placeholder: 'new password', minlength: '10' });
    const reset = App.el('button', { onclick: async () => {
      const answer = await App.api('POST', `/api/users/${encodeURIComponent(u.userName)}/password`, { newPassword: password.value });
      password.value = '';
      say('users-message', answer.ok ? `Password of ${u.userName} reset; ${answer.data.endedSessions} session(s) ended.` : problem(answer), answer.ok);
    } }, 'Reset');
    const active = App.el('input', { type: 'checkbox', checked: u.active, onchange: async event => {
      const answer = await App.api('PUT', `/api/users/${encodeURIComponent(u.userName)}/active`, { active: event.target.checked });
      say('users-message', answer.ok ? `${u.userName} is now ${answer.data.active ? 'active' : 'inactive'}.` : problem(answer), answer.ok);
      await loadUsers();
    } });
    return App.el('tr', { dataset: { user: u.userName } }, App.el('td', {}, u.userName), App.el('td', {}, u.displayName), App.el('td', {}, u.roles.join(', ')),
      App.el('td', {}, u.department || ''), App.el('td', {}, active), App.el('td', {}, password, reset));
  }));
}

async function loadTokens() {
  const r = await App.api('GET', '/api/tokens');
  if (!r.ok) return;
  document.querySelector('#tokens tbody').replaceChildren(...r.data.map(t => App.el('tr', { dataset: { token: t.id } },
    App.el('td', {}, t.name), App.el('td', {}, t.userName), App.el('td', {}, (t.scopes || ['(all)']).join(', ')),
    App.el('td', {}, (t.departments || ['(user\'s)']).join(', ')), App.el('td', {}, t.expiresAt ? new Date(t.expiresAt).toLocaleDateString() : 'never'),
    App.el('td', {}, t.status),
    App.el('td', {}, t.status === 'active' ? App.el('button', { onclick: async () => {
      const answer = await App.api('DELETE', `/api/tokens/${t.id}`);
      say('token-message', answer.ok ? `Token "${t.name}" revoked.` : problem(answer), answer.ok);
      await loadTokens();
    } }, 'Revoke') : ''))));
}

document.getElementById('new-token').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { name: form.get('name') };
  if (form.get('userName')) body.userName = form.get('userName');
  if (form.get('scopes')) body.scopes = list(form.get('scopes'));
  if (form.get('departments')) body.departments = list(form.get('departments'));
  if (form.get('expiresAt')) body.expiresAt = new Date(form.get('expiresAt') + 'T23:59:59Z').toISOString();
  const r = await App.api('POST', '/api/tokens', body);
  // The token is shown this once; only its hash is kept.
  say('token-message', r.ok ? `Token for ${r.data.userName}: ${r.data.token} (copy it now, it is not shown again)` : problem(r), r.ok);
  if (r.ok) event.target.reset();
  await loadTokens();
});

(async () => {
  const me = await App.start('account');
  if (me.roles.includes('admin')) {
    document.getElementById('admin').hidden = false;
    await Promise.all([loadUsers(), loadTokens()]);
  }
  document.body.dataset.ready = 'on';
})();
