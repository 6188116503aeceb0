const Stock = {
  selected: null,
  async init() {
    await App.start('stock');
    document.getElementById('receiptPanel').hidden = !App.can('stock.receive');
    document.getElementById('list').replaceChildren(App.loading(5));
    // Typing, pushes and a reconnect read the list one read at a time: a search answered late never draws over the
    // list for what was typed after it.
    const reload = Stock.reload = App.serial(async () => { await Stock.load(); if (Stock.selected) await Stock.show(Stock.selected); });
    let timer = null;
    document.getElementById('search').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(reload, 200); });
    document.getElementById('receipt').addEventListener('submit', e => { e.preventDefault(); Stock.receive(); });
    await reload();
    await App.live(kind => { if (kind === 'stock' || kind === 'order') reload(); }, reload);
  },
  async load() {
    const search = document.getElementById('search').value;
    const result = await App.api('GET', `/api/stock?limit=200${search ? '&search=' + encodeURIComponent(search) : ''}`);
    const list = document.getElementById('list');
    if (!result.ok) { list.replaceChildren(App.problem(result)); return; }
    const warehouses = [...new Set(result.data.map(i => i.warehouse))];
    document.getElementById('warehouses').replaceChildren(...warehouses.map(w => App.el('option', { value: w })));
    // Quantities stay plain numbers in their cells (data-value keeps the exact one for scripts and tests).
    const qty = key => ({ key, value: i => App.el('span', { dataset: { value: i[key] } }, App.fmt.number(i[key])) });
    App.draw(list, App.table(result.data, [
      { key: 'sku', label: App.t('stock.col.sku', 'SKU') }, { key: 'name', label: App.t('stock.col.name', 'Name') },
      { key: 'warehouse', label: App.t('stock.col.warehouse', 'Warehouse') },
      { ...qty('onHand'), label: App.t('stock.col.onHand', 'On hand') }, { ...qty('reserved'), label: App.t('stock.col.reserved', 'Reserved') },
      { ...qty('available'), label: App.t('stock.col.available', 'Available') }, { key: 'unit', label: App.t('stock.col.unit', 'Unit') },
      { key: 'nextExpiry', label: App.t('stock.col.nextExpiry', 'Next expiry'), value: i => App.fmt.date(i.nextExpiry) },
    ], i => ({ dataset: { sku: i.sku }, tabindex: '0', style: 'cursor:pointer', onclick: () => Stock.show(i.sku), onkeydown: e => { if (e.key === 'Enter') Stock.show(i.sku); } }),
    search ? App.t('stock.noMatch', 'No SKU matches "{search}". Try part of the SKU or the name.', { search })
      : App.t('stock.none', 'No stock yet. Receive goods below or import the catalog.')));
  },
  async show(sku) {
    const detail = document.getElementById('detail');
    // Another SKU shows a placeholder while it loads; the one shown stays until its fresh drawing replaces it.
    if (Stock.selected !== sku) detail.replaceChildren(App.loading(3));
    Stock.selected = sku;
    const [item, movements, reservations] = await Promise.all([
      App.api('GET', `/api/stock/${encodeURIComponent(sku)}`),
      App.api('GET', `/api/stock/${encodeURIComponent(sku)}/movements?limit=50`),
      App.can('reservation.read') ? App.api('GET', `/api/reservations?sku=${encodeURIComponent(sku)}&open=true`) : Promise.resolve({ ok: true, data: [] })]);
    if (!item.ok) { detail.replaceChildren(App.problem(item)); return; }
    const warehouses = item.data.warehouses || [item.data];
    App.draw(detail, App.el('h2', {}, sku),
      ...warehouses.flatMap(w => [App.el('h3', {}, App.t('stock.summary', '{warehouse}: on hand {onHand}, reserved {reserved}, available {available}',
        { warehouse: w.warehouse, onHand: App.fmt.number(w.onHand), reserved: App.fmt.number(w.reserved), available: App.fmt.number(w.available) })),
        App.table(w.batches, null, null, App.t('stock.batches.none', 'No batches in this warehouse.'))]),
      App.el('h3', {}, App.t('stock.reservations', 'Open reservations')), reservations.ok ? App.table(reservations.data, null, null, App.t('stock.reservations.none', 'Nothing reserved.')) : App.problem(reservations),
      App.el('h3', {}, App.t('stock.movements', 'Movements')), movements.ok ? App.table(movements.data, null, null, App.t('stock.movements.none', 'No movements yet.')) : App.problem(movements));
  },
  async receive() {
    const form = document.getElementById('receipt');
    const f = Object.fromEntries([...form.querySelectorAll('input')].map(i => [i.name, i.value]));
    await App.busy(document.getElementById('receive'), async () => {
      const r = await App.api('POST', `/api/stock/${encodeURIComponent(f.sku)}/receipts`,
        { warehouse: f.warehouse, quantity: Number(f.quantity), batch: f.batch, expiry: f.expiry || null });
      document.getElementById('receiptMessage').replaceChildren(r.ok ? App.el('span', { class: 'ok' }, App.t('stock.received', 'Received.')) : App.problem(r));
      if (r.ok) { await Stock.reload(); await Stock.show(f.sku); }
    });
  },
};
Stock.init();
