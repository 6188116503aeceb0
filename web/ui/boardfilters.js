// Saved board filters: the person's own (process, owner, department) under a name, kept on the server
// (GET/PUT/DELETE /api/board/filters) so they follow them to any browser and phone.
const BoardFilters = {
  list: [],

  async init() {
    const select = document.getElementById('savedFilter');
    select.addEventListener('change', () => BoardFilters.apply(select.value));
    document.getElementById('saveFilter').addEventListener('click', () => BoardFilters.save());
    document.getElementById('deleteFilter').addEventListener('click', () => BoardFilters.remove(select.value));
    await BoardFilters.load();
  },

  async load(chosen) {
    const result = await App.api('GET', '/api/board/filters');
    BoardFilters.list = result.ok && Array.isArray(result.data) ? result.data : [];
    const select = document.getElementById('savedFilter');
    select.replaceChildren(App.el('option', { value: '' }, App.t('board.filters.none', 'saved filters…')),
      ...BoardFilters.list.map(f => App.el('option', { value: f.name }, f.name)));
    select.value = chosen && BoardFilters.list.some(f => f.name === chosen) ? chosen : '';
    document.getElementById('deleteFilter').disabled = !select.value;
  },

  async apply(name) {
    document.getElementById('deleteFilter').disabled = !name;
    const f = BoardFilters.list.find(x => x.name === name);
    if (!f) return;
    const set = (id, value) => {
      const element = document.getElementById(id);
      if (value === null || [...element.options].some(o => o.value === value)) element.value = value || '';
    };
    set('process', f.process);
    set('department', f.department);
    Board.owners();
    set('owner', f.owner);
    await Board.load();
  },

  async save() {
    const input = App.el('input', { id: 'filterName', maxlength: 60, required: true });
    const message = App.el('div');
    const current = document.getElementById('savedFilter').value;
    input.value = current;
    // Enter saves, as in any form.
    input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); document.getElementById('confirmSaveFilter')?.click(); } });
    const name = await App.dialog('saveFilterDialog', App.t('board.filters.saveTitle', 'Save this view of the board'), [
      App.field(App.t('board.filters.name', 'Name'), input), message],
      [{ id: 'confirmSaveFilter', primary: true, text: App.t('board.filters.save', 'Save filter'),
         value: () => {
           if (input.value.trim()) return input.value.trim();
           message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('board.filters.needName', 'Give the filter a name.')));
           input.focus();
           return undefined;
         } },
       { id: 'cancelSaveFilter', text: App.t('common.cancel', 'Cancel'), value: null }]);
    if (!name) return;
    const result = await App.api('PUT', '/api/board/filters', { name, ...Board.filters() });
    if (!result.ok) { Toast.show(App.problem(result)); return; }
    await BoardFilters.load(name);
    Toast.show(App.t('board.filters.saved', 'Filter “{name}” saved.', { name }));
  },

  async remove(name) {
    if (!name) return;
    const result = await App.api('DELETE', `/api/board/filters/${encodeURIComponent(name)}`);
    if (!result.ok) { Toast.show(App.problem(result)); return; }
    await BoardFilters.load();
  },
};
