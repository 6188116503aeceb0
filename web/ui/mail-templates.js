// The e-mail templates managers write to customers with (GET/PUT/DELETE /api/mail-templates): one language each,
// subject and body with {{placeholders}} filled from the deal. Admins and department heads edit them (mail.template).
const MailTemplatesPage = {
  templates: [],
  placeholders: [],

  async init() {
    await App.start('mailTemplates');
    document.getElementById('newTemplate').addEventListener('click', () => MailTemplatesPage.edit(null));
    if (!App.can('mail.template')) document.getElementById('newTemplate').hidden = true;
    await MailTemplatesPage.load();
    document.body.dataset.ready = 'on';
  },

  say(result, okText) {
    const message = document.getElementById('message');
    if (result && !result.ok) { message.replaceChildren(App.problem(result)); return false; }
    message.replaceChildren(App.el('span', { class: 'ok' }, okText));
    return true;
  },

  async load() {
    const r = await App.api('GET', '/api/mail-templates');
    if (!r.ok) { MailTemplatesPage.say(r); return; }
    MailTemplatesPage.templates = r.data.templates;
    MailTemplatesPage.placeholders = r.data.placeholders;
    const languages = { en: 'English', ru: 'Русский', de: 'Deutsch' };
    const table = App.table(MailTemplatesPage.templates, [
      { key: 'name', label: App.t('mailtemplates.col.name', 'Name') },
      { key: 'language', label: App.t('mailtemplates.col.language', 'Language'), value: t => languages[t.language] || t.language },
      { key: 'subject', label: App.t('mailtemplates.col.subject', 'Subject') },
      { key: 'updated', label: App.t('mailtemplates.col.updated', 'Changed'), value: t => `${App.time(t.updatedAt)} · ${App.name(t.updatedBy)}` },
      { key: 'edit', label: '', value: t => App.can('mail.template') ? App.el('span', { class: 'actions' },
        App.el('button', { type: 'button', class: 'edit', onclick: () => MailTemplatesPage.edit(t) }, App.t('mailtemplates.edit', 'Edit')),
        App.el('button', { type: 'button', class: 'delete', onclick: e => MailTemplatesPage.remove(e.currentTarget, t) }, App.t('mailtemplates.delete', 'Delete'))) : '' },
    ], t => ({ 'data-template': t.id }), App.t('mailtemplates.none', 'No templates yet.'));
    document.getElementById('templateTable').replaceChildren(table);
  },

  edit(t) {
    const form = document.getElementById('templateForm');
    const id = t?.id || (crypto.randomUUID ? crypto.randomUUID() : null);
    const name = App.el('input', { name: 'name', value: t?.name ?? '', maxlength: '100', required: true });
    const language = App.el('select', { name: 'language' }, [['en', 'English'], ['ru', 'Русский'], ['de', 'Deutsch']].map(([v, l]) => App.el('option', { value: v }, l)));
    language.value = t?.language ?? App.lang;
    const subject = App.el('input', { name: 'subject', value: t?.subject ?? '', maxlength: '200', required: true });
    const body = App.el('textarea', { name: 'body', rows: '14', maxlength: '20000' });
    body.value = t?.body ?? '';
    let last = body;
    subject.addEventListener('focus', () => { last = subject; });
    body.addEventListener('focus', () => { last = body; });
    // A placeholder goes where the cursor was, in the subject or the body.
    const chips = App.el('div', { class: 'wide placeholders' }, App.t('mailtemplates.placeholders', 'Placeholders: '),
      MailTemplatesPage.placeholders.map(p => App.el('button', { type: 'button', class: 'chip', 'data-placeholder': p, onclick: () => {
        const text = `{{${p}}}`, at = last.selectionStart ?? last.value.length;
        last.value = last.value.slice(0, at) + text + last.value.slice(last.selectionEnd ?? at);
        last.focus();
        last.selectionStart = last.selectionEnd = at + text.length;
      } }, `{{${p}}}`)));
    const save = App.el('button', { type: 'submit', class: 'primary', id: 'saveTemplate' }, App.t('mailtemplates.save', 'Save'));
    const cancel = App.el('button', { type: 'button', onclick: () => { form.hidden = true; } }, App.t('mailtemplates.cancel', 'Cancel'));
    form.replaceChildren(
      App.field(App.t('mailtemplates.col.name', 'Name'), name),
      App.field(App.t('mailtemplates.col.language', 'Language'), language),
      App.el('div', { class: 'wide' }, App.field(App.t('mailtemplates.col.subject', 'Subject'), subject)),
      App.el('div', { class: 'wide' }, App.field(App.t('mailtemplates.body', 'Text'), body)),
      chips, App.el('div', { class: 'wide' }, save, ' ', cancel));
    form.onsubmit = async e => {
      e.preventDefault();
      await App.busy(save, async () => {
        const r = await App.api('PUT', `/api/mail-templates/${id}`, { name: name.value, language: language.value, subject: subject.value, body: body.value });
        if (MailTemplatesPage.say(r, App.t('mailtemplates.saved', 'Template "{name}" saved.', { name: name.value }))) {
          form.hidden = true;
          await MailTemplatesPage.load();
        }
      });
    };
    form.hidden = false;
    name.focus();
  },

  async remove(button, t) {
    const sure = await App.dialog('deleteTemplate', App.t('mailtemplates.confirmDelete', 'Delete the template "{name}"?', { name: t.name }), [],
      [{ id: 'confirmDelete', text: App.t('mailtemplates.delete', 'Delete'), value: true, danger: true },
       { id: 'keepTemplate', text: App.t('mailtemplates.cancel', 'Cancel'), value: false }]);
    if (!sure) return;
    await App.busy(button, async () => {
      const r = await App.api('DELETE', `/api/mail-templates/${t.id}`);
      if (MailTemplatesPage.say(r, App.t('mailtemplates.deleted', 'Template "{name}" deleted.', { name: t.name }))) await MailTemplatesPage.load();
    });
  },
};

MailTemplatesPage.init();
