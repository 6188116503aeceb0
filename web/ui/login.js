document.getElementById('login').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await App.api('POST', '/api/auth/login', { userName: form.get('userName'), password: form.get('password') });
  const message = document.getElementById('message');
  message.replaceChildren();
  if (!result.ok) { message.append(App.problem(result)); return; }
  const next = App.param('next');
  location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : '/board.html';
});
