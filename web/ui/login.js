// Before anyone signs in the page speaks the browser's language; afterwards each role lands on its own page.
App.useLanguage(navigator.language).then(() => { document.body.dataset.ready = 'on'; });

document.getElementById('login').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const message = document.getElementById('message');
  await App.busy(event.target.querySelector('button[type=submit]'), async () => {
    const result = await App.api('POST', '/api/auth/login', { userName: form.get('userName'), password: form.get('password') });
    message.replaceChildren();
    if (!result.ok) {
      message.append(result.status === 401 ? App.el('div', { class: 'error', role: 'alert' }, App.t('login.failed', 'Unknown user or wrong password.')) : App.problem(result));
      return;
    }
    const next = App.param('next');
    location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : App.home(result.data);
  });
});
