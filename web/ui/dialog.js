// A modal dialog that behaves: it takes focus, keeps Tab inside itself, closes on Escape and submits on Enter (it is a
// form). submit(form) runs the action; an answer { error } keeps the dialog open and shows why.
const Dialog = {
  open({ id, title, fields, submitLabel, danger, submit }) {
    return new Promise(resolve => {
      const message = App.el('div', { class: 'dialog-message', role: 'alert' });
      const submitButton = App.el('button', { type: 'submit', class: danger ? 'danger' : 'primary', dataset: { action: 'submit' } }, submitLabel);
      const cancel = App.el('button', { type: 'button', dataset: { action: 'cancel' }, onclick: () => close(false) }, App.t('dialog.cancel', 'Cancel'));
      const heading = App.el('h2', { id: `${id}Title` }, title);
      const form = App.el('form', { class: 'panel dialog', id, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': `${id}Title`, novalidate: true },
        heading, fields, message, App.el('div', { class: 'dialog-actions' }, submitButton, ' ', cancel));
      // Enter submits from any field, a choice list included (Chromium would open its list instead).
      form.addEventListener('keydown', event => {
        if (event.key === 'Enter' && !['TEXTAREA', 'BUTTON', 'A'].includes(event.target.tagName)) {
          event.preventDefault();
          form.requestSubmit();
        }
      }, true);
      form.addEventListener('submit', async event => {
        event.preventDefault();
        if (submitButton.disabled) return;
        submitButton.disabled = true;
        message.replaceChildren();
        try {
          const answer = await submit(form);
          if (answer && answer.error) { message.replaceChildren(answer.error); return; }
          close(answer ?? true);
        } finally { submitButton.disabled = false; }
      });
      const hide = App.modal(form, () => close(false));
      const close = value => { hide(); resolve(value); };
    });
  },
};
