// The start address: each role's own page (a visitor who is not signed in goes to the login first, see App.api).
App.api('GET', '/api/auth/me').then(me => { if (me.ok) location.replace(App.home(me.data)); });
