const Stock = {
  selected: null,
  async init() {
    await App.start('stock');
    document.getElementById('search').addEventListener('input', () => Stock.load());
    document.getElementById('receive').addEventListener('click', Stock.receive);
    await Stock.load();
    const reload = App.serial(async () => { await Stock.load(); if (Stock.selected) await Stock.show(Stock.selected); });
    await App.live(kind => { if (kind === 'stock' || kind === 'order') reload(); }, reload);
  },
  async load() {
    const search = document.getElementById('search').value;
    const items = (await App.api('GET', `/api/stock?limit=200${search ? '&search=' + encodeURIComponent(search) : ''}`)).data;
    document.getElementById('list').replaceChildren(App.table(items, ['sku', 'name', 'warehouse', 'onHand', 'reserved', 'available', 'unit', 'nextExpiry'],
      i => ({ dataset: { sku: i.sku }, style: 'cursor:pointer', onclick: () => Stock.show(i.sku) })));
  },
  async show(sku) {
    Stock.selected = sku;
    const [item, movements, reservations] = await Promise.all([
      App.api('GET', `/api/stock/${encodeURIComponent(sku)}`),
      App.api('GET', `/api/stock/${encodeURIComponent(sku)}/movements?limit=50`),
      App.api('GET', `/api/reservations?sku=${encodeURIComponent(sku)}&open=true`)]);
    const detail = document.getElementById('detail');
    if (!item.ok) { detail.replaceChildren(App.problem(item)); return; }
    const warehouses = item.data.warehouses || [item.data];
    detail.replaceChildren(App.el('h2', {}, sku),
      ...warehouses.flatMap(w => [App.el('h3', {}, `${w.warehouse}: on hand ${w.onHand}, reserved ${w.reserved}, available ${w.available}`), App.table(w.batches)]),
      App.el('h3', {}, 'Open reservations'), App.table(reservations.data),
      App.el('h3', {}, 'Movements'), App.table(movements.data));
  },
  async receive() {
    const f = Object.fromEntries([...document.querySelectorAll('#receipt input')].map(i => [i.name, i.value]));
    const r = await App.api('POST', `/api/stock/${encodeURIComponent(f.sku)}/receipts`,
      { warehouse: f.warehouse, quantity: Number(f.quantity), batch: f.batch, expiry: f.expiry || null });
    document.getElementById('receiptMessage').replaceChildren(r.ok ? App.el('span', { class: 'muted' }, 'received') : App.problem(r));
    if (r.ok) { await Stock.load(); await Stock.show(f.sku); }
  },
};
Stock.init();
