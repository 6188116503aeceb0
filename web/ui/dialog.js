// A modal dialog that behaves: it takes focus, keeps Tab inside itself, closes on Escape and submits on Enter (it is a
// form). submit(form) runs the action; an answer { error } keeps the dialog open and shows why.
const Dialog = {
  open({ id, title, fields, submitLabel, danger, submit }) {
    return new Promise(resolve => {
      const previous = document.activeElement;
      const message = App.el('div', { class: 'dialog-message', role: 'alert' });
      const submitButton = App.el('button', { type: 'submit', class: danger ? 'danger' : 'primary', dataset: { action: 'submit' } }, submitLabel);
      const cancel = App.el('button', { type: 'button', dataset: { action: 'cancel' }, onclick: () => close(false) }, App.t('dialog.cancel', 'Cancel'));
      const heading = App.el('h2', { id: `${id}Title` }, title);
      const form = App.el('form', { class: 'panel dialog', id, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': `${id}Title`, novalidate: true },
        heading, fields, message, App.el('div', { class: 'dialog-actions' }, submitButton, ' ', cancel));
      const host = App.el('div', { class: 'modal' }, form);
      const close = value => {
        host.remove();
        document.removeEventListener('keydown', keys, true);
        if (previous && previous.isConnected) previous.focus();
        resolve(value);
      };
      const focusable = () => [...form.querySelectorAll('input, select, textarea, button, a[href]')].filter(e => !e.disabled);
      const keys = event => {
        if (event.key === 'Escape') { event.preventDefault(); close(false); return; }
        // Enter submits from any field, a choice list included (Chromium would open its list instead).
        if (event.key === 'Enter' && form.contains(event.target) && !['TEXTAREA', 'BUTTON', 'A'].includes(event.target.tagName)) {
          event.preventDefault();
          form.requestSubmit();
          return;
        }
        if (event.key !== 'Tab') return;
        const items = focusable();
        const first = items[0], last = items[items.length - 1];
        if (event.shiftKey && (document.activeElement === first || !form.contains(document.activeElement))) { event.preventDefault(); last.focus(); }
        else if (!event.shiftKey && (document.activeElement === last || !form.contains(document.activeElement))) { event.preventDefault(); first.focus(); }
      };
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
      document.addEventListener('keydown', keys, true);
      document.body.append(host);
      (focusable()[0] || submitButton).focus();
    });
  },
};
