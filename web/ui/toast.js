// A short message at the foot of the screen with at most one action (Undo), gone after a few seconds. It is a live
// region (announced by screen readers) and its buttons are ordinary buttons (keyboard and thumb reach them). One at a
// time: a new toast replaces the last.
const Toast = {
  show(text, action, ms = 10000) {
    document.getElementById('toast')?.remove();
    const message = App.el('span', { class: 'toast-text' }, text);
    const box = App.el('div', { id: 'toast', class: 'toast', role: 'status' }, message);
    let timer = null;
    const close = () => { clearTimeout(timer); box.remove(); };
    if (action) {
      const button = App.el('button', { type: 'button', class: 'toast-action' }, action.text);
      button.addEventListener('click', async () => {
        if (button.disabled) return;
        button.disabled = true;
        clearTimeout(timer);
        // The action answers a refusal to show (a problem box) or nothing when it worked.
        const problem = await action.run();
        if (!problem) { close(); return; }
        button.remove();
        message.replaceChildren(problem);
        timer = setTimeout(close, ms);
      });
      box.append(' ', button);
    }
    box.append(' ', App.el('button', { type: 'button', class: 'toast-close', 'aria-label': App.t('common.close', 'Close'), onclick: close }, '×'));
    document.body.append(box);
    timer = setTimeout(close, ms);
    return box;
  },
};
