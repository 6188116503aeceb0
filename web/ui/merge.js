// Pushes merge into a page instead of redrawing it: rows and fields stay the same elements, so what someone is typing,
// choosing or has focused survives any change by anyone. A field the server changed under an edit keeps the typed value
// and says who changed it and to what.
const Merge = {
  // Puts nodes into parent in this order, moving only what is out of place: a row nobody moved (the one being typed in)
  // is never detached, so it keeps its focus, caret and value.
  children(parent, nodes) {
    const keep = new Set(nodes);
    for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
    let cursor = parent.firstElementChild;
    for (const node of nodes) {
      if (node === cursor) { cursor = cursor.nextElementSibling; continue; }
      parent.insertBefore(node, cursor);
    }
  },

  // Rows kept per key: build(item) makes a row once, update(row, item) refreshes it in place when its data changed.
  rows(parent, items, key, build, update, cache) {
    const seen = new Set();
    const nodes = items.map(item => {
      const k = key(item), signature = JSON.stringify(item);
      seen.add(k);
      let entry = cache.get(k);
      if (!entry) { entry = { signature, row: build(item) }; cache.set(k, entry); update(entry.row, item); }
      else if (entry.signature !== signature) { entry.signature = signature; update(entry.row, item); }
      return entry.row;
    });
    for (const k of [...cache.keys()]) if (!seen.has(k)) cache.delete(k);
    Merge.children(parent, nodes);
  },

  // Someone is working in the field: it has focus or holds a value other than the one the server last gave it.
  editing(input) {
    return document.activeElement === input || ('base' in input.dataset && input.value !== input.dataset.base);
  },

  // Shows the server's value, unless the field is being edited: then the typed value stays and a note names who
  // changed the value underneath. Leaving the field untouched takes the server's value.
  field(input, value, changedBy) {
    value = value ?? '';
    if (!('base' in input.dataset)) {
      input.value = value;
      input.dataset.base = value;
      input.addEventListener('blur', () => {
        if (input.value === input.dataset.base && 'server' in input.dataset) Merge.accept(input, input.dataset.server);
      });
      return;
    }
    if (!Merge.editing(input)) { Merge.accept(input, value); return; }
    if (value === input.dataset.base) { delete input.dataset.server; Merge.note(input, null); return; }
    // Said once, when the value moved: later pushes (anyone's) do not rename who changed it.
    if (input.dataset.server === value) return;
    input.dataset.server = value;
    Merge.note(input, App.t('merge.changedBy', 'changed by {who} to “{value}”', { who: changedBy || App.t('merge.someone', 'someone'), value: value || '—' }));
  },

  // The server's value is the field's value now (after one's own save, or when nobody edits it).
  accept(input, value) {
    input.value = value ?? '';
    input.dataset.base = value ?? '';
    delete input.dataset.server;
    Merge.note(input, null);
  },

  note(input, text) {
    let note = input.nextElementSibling?.classList.contains('changed-by') ? input.nextElementSibling : null;
    if (!text) { note?.remove(); return; }
    if (!note) { note = App.el('span', { class: 'changed-by', role: 'status' }); input.after(note); }
    note.textContent = text;
  },

  // Options of a select refreshed without losing the choice being made.
  options(select, values, label, selected) {
    const signature = JSON.stringify(values);
    if (select.dataset.options === signature) return;
    const keep = Merge.editing(select) ? select.value : selected;
    select.replaceChildren(...values.map(v => App.el('option', { value: v }, label ? label(v) : v)));
    select.dataset.options = signature;
    if (keep !== undefined && keep !== null) select.value = keep;
  },

  // A part drawn anew as a whole (an order's detail with its forms) after a push: each field, by name, takes back what
  // was typed or chosen in it over the fresh drawing, and the field being typed in keeps focus and caret. A value the
  // server changed underneath keeps the typed one with a note. Not after one's own save: then the fresh drawing is the truth.
  redraw(container, replace) {
    const initial = el => el.type === 'checkbox' ? el.defaultChecked
      : el.tagName === 'SELECT' ? ([...el.options].find(o => o.defaultSelected) ?? el.options[0])?.value : el.defaultValue;
    const current = el => el.type === 'checkbox' ? el.checked : el.value;
    const fields = root => [...root.querySelectorAll('input[name], textarea[name], select[name]')].filter(el => !['file', 'hidden', 'radio', 'button', 'submit'].includes(el.type));
    // A field is known by its name within its form, and a form by its data attributes (one form per production order).
    const key = el => `${JSON.stringify({ ...el.closest('form')?.dataset })}/${el.name}`;
    const focused = container.contains(document.activeElement) ? document.activeElement : null;
    const typed = new Map();
    for (const el of fields(container)) {
      if (!typed.has(key(el)) && (current(el) !== initial(el) || el === focused)) typed.set(key(el), { value: current(el), base: initial(el) });
    }
    const focusKey = focused?.name ? key(focused) : null;
    let caret = null;
    try { if (focused && typeof focused.selectionStart === 'number') caret = [focused.selectionStart, focused.selectionEnd]; } catch { caret = null; }
    replace();
    for (const el of fields(container)) {
      const was = typed.get(key(el));
      if (!was) continue;
      typed.delete(key(el));
      const server = initial(el);
      if (el.type === 'checkbox') el.checked = was.value; else el.value = was.value;
      if (server !== was.base && server !== was.value) {
        Merge.note(el, App.t('merge.changedBy', 'changed by {who} to “{value}”', { who: App.t('merge.someone', 'someone'), value: String(server ?? '') || '—' }));
      }
      if (key(el) === focusKey) {
        el.focus();
        try { if (caret) el.setSelectionRange(...caret); } catch { /* number inputs have no caret to set */ }
      }
    }
  },
};
