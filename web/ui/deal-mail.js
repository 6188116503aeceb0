// E-mail to the customer from the deal card (1C:CRM project): pick a template (or write freely), see it filled in from
// the deal, edit subject and body, send to the deal contact's address, optionally with the proposal PDF. Each composed
// mail has its own id, so a double click or a repeated request sends it once (POST /api/deals/{id}/mails). The mail
// is plain text and is shown here only as text. Below: the mails sent from this deal and whether they went out.
const DealMailPanel = {
  newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },

  create(dealId) {
    const template = App.el('select', { id: 'mailTemplate', name: 'template' },
      App.el('option', { value: '' }, App.t('dealmail.free', '— write freely —')));
    const to = App.el('select', { id: 'mailTo', name: 'to' });
    const subject = App.el('input', { id: 'mailSubject', name: 'subject', maxlength: '200' });
    const body = App.el('textarea', { id: 'mailBody', name: 'body', rows: '12', maxlength: '20000' });
    const attach = App.el('input', { type: 'checkbox', id: 'mailAttach', name: 'attachProposal' });
    const send = App.el('button', { type: 'submit', class: 'primary', id: 'mailSend' }, App.t('dealmail.send', 'Send'));
    const missing = App.el('div', { class: 'muted', id: 'mailMissing' });
    const message = App.el('div', { id: 'mailMessage', 'aria-live': 'polite' });
    const list = App.el('div', { id: 'mailList' });
    const form = App.el('form', { id: 'mailForm', class: 'mail-form' },
      App.field(App.t('dealmail.template', 'Template'), template),
      App.field(App.t('dealmail.to', 'To'), to),
      App.field(App.t('dealmail.subject', 'Subject'), subject),
      App.field(App.t('dealmail.body', 'Text'), body),
      App.el('label', { class: 'check' }, attach, ' ', App.t('dealmail.attach', 'Attach the commercial proposal (PDF)')),
      missing, App.el('div', { class: 'controls' }, send), message);
    const node = App.el('div', {}, App.can('deal.mail') ? form : null, App.el('h3', {}, App.t('dealmail.sent', 'Sent from this deal')), list);
    let mailId = DealMailPanel.newId(), templates = [], loaded = false;

    const fill = async () => {
      const r = await App.api('POST', `/api/deals/${dealId}/mails/preview`, { templateId: template.value || null, language: App.lang });
      if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
      const d = r.data;
      to.replaceChildren(...d.recipients.map(a => App.el('option', { value: a }, d.toName ? `${d.toName} <${a}>` : a)));
      to.disabled = d.recipients.length === 0;
      if (template.value) { subject.value = d.subject; body.value = d.body; }
      else if (!subject.value) subject.value = d.subject;
      attach.checked = attach.checked || (!!template.value && d.hasProposal);
      const notes = [];
      if (!d.recipients.length) notes.push(App.t('dealmail.noAddress', "The deal's contact has no e-mail address: link a contact with one to the deal."));
      if (d.missing.length) notes.push(App.t('dealmail.missing', 'No value for: {names} (left out of the text).', { names: d.missing.join(', ') }));
      missing.replaceChildren(...notes.map(n => App.el('div', {}, n)));
      message.replaceChildren();
    };

    const status = m => m.status === 'sent'
      ? App.t('dealmail.status.sent', 'sent {time}', { time: App.time(m.sentAt) })
      : m.attempts > 0 ? App.t('dealmail.status.retrying', 'waiting for the mail server (attempt {n})', { n: m.attempts })
      : App.t('dealmail.status.queued', 'queued');

    const refresh = async () => {
      const r = await App.api('GET', `/api/deals/${dealId}/mails`);
      const mails = r.ok && Array.isArray(r.data) ? r.data : [];
      list.replaceChildren(mails.length ? App.el('ul', { class: 'mails' }, mails.map(m => App.el('li', { 'data-mail': m.id, 'data-status': m.status },
        App.el('span', { class: 'muted' }, `${App.time(m.createdAt)} · ${App.name(m.sender)} → ${m.to} · `),
        App.el('strong', {}, m.subject), m.attachment ? ` · ${m.attachment}` : '', ' · ', App.el('span', { class: 'mail-status' }, status(m)))))
        : App.empty(App.t('dealmail.none', 'No mails sent from this deal yet.')));
    };

    template.addEventListener('change', fill);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      await App.busy(send, async () => {
        const r = await App.api('POST', `/api/deals/${dealId}/mails`, {
          mailId, templateId: template.value || null, to: to.value || null, subject: subject.value, body: body.value,
          attachProposal: attach.checked, language: App.lang,
        });
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        message.replaceChildren(App.el('span', { class: 'ok' }, App.t('dealmail.queued', 'The mail to {to} is on its way.', { to: r.data.to })));
        // The next mail is another one.
        mailId = DealMailPanel.newId();
        template.value = ''; subject.value = ''; body.value = ''; attach.checked = false; missing.replaceChildren();
        await refresh();
      });
    });

    return {
      node,
      async update() {
        if (!loaded) {
          loaded = true;
          if (App.can('deal.mail')) {
            const r = await App.api('GET', '/api/mail-templates');
            templates = r.ok ? r.data.templates : [];
            // The user's language first.
            const ordered = [...templates].sort((a, b) => (a.language === App.lang ? 0 : 1) - (b.language === App.lang ? 0 : 1) || a.name.localeCompare(b.name));
            template.append(...ordered.map(t => App.el('option', { value: t.id, 'data-language': t.language }, `${t.name} (${t.language})`)));
            await fill();
          }
        }
        await refresh();
      },
    };
  },
};
