// The deal's lines on its card (issue 11): SKU (picked from the catalog), name, quantity, price and discount, edited
// until the deal has an order; the amount follows them. Typing survives live pushes: while someone edits the table,
// a push does not redraw it, it only says that the lines changed underneath (merge.js does the same for fields).
// Also the deal's side of its order: why an automatic order failed, the order's total against the deal's amount, and
// production readiness.
const DealLines = {
  form(currencyOf) {
    const body = App.el('tbody');
    const message = App.el('div', { id: 'linesMessage' });
    const note = App.el('div', { class: 'muted', id: 'linesNote' });
    const total = App.el('strong', { id: 'linesTotal' });
    const skus = App.el('datalist', { id: 'skuChoices' });
    const add = App.el('button', { type: 'button', id: 'addLine' }, App.t('deal.lines.add', 'Add line'));
    const save = App.el('button', { class: 'primary', type: 'submit', id: 'saveLines' }, App.t('deal.lines.save', 'Save lines'));
    const head = App.el('tr', {}, [App.t('deal.lines.sku', 'SKU'), App.t('deal.lines.name', 'Name'), App.t('deal.lines.quantity', 'Qty'),
      App.t('deal.lines.price', 'Price'), App.t('deal.lines.discount', 'Discount %'), App.t('deal.lines.total', 'Total'), ''].map(h => App.el('th', {}, h)));
    const table = App.el('table', { class: 'lines-editor', id: 'linesTable' }, App.el('thead', {}, head), body);
    const controls = App.el('div', { class: 'controls' }, add, ' ', save, ' ', App.t('deal.lines.sum', 'Amount: '), total);
    const node = App.el('form', { id: 'linesForm' }, App.el('div', { class: 'table-scroll' }, table), skus, controls, note, message);
    let deal = null, locked = true, dirty = false, base = '[]';
    const catalog = new Map();

    const number = text => {
      const value = Number(String(text ?? '').replace(/\s/g, '').replace(',', '.'));
      return String(text ?? '').trim() === '' || !Number.isFinite(value) ? null : value;
    };
    const net = (price, discount) => Math.round(price * (100 - (discount || 0))) / 100;
    const rows = () => [...body.querySelectorAll('tr')];
    const read = row => ({
      sku: row.parts.sku.value.trim(), name: row.parts.name.value.trim() || null,
      quantity: number(row.parts.quantity.value), price: number(row.parts.price.value), discount: number(row.parts.discount.value) ?? 0,
    });
    const refreshTotals = () => {
      let sum = 0;
      for (const row of rows()) {
        const l = read(row);
        const line = l.quantity != null && l.price != null ? l.quantity * net(l.price, l.discount) : null;
        row.parts.total.textContent = line == null ? '—' : App.money(line, currencyOf());
        sum += line ?? 0;
      }
      total.textContent = App.money(sum, currencyOf());
    };

    // Typing a SKU asks the catalog; picking one fills in its name and price where the line has none. Only the answer
    // to the latest typing is offered: an earlier one answered late would offer what no longer matches.
    const newest = App.newest();
    let searchTimer = null;
    const search = text => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(async () => {
        const current = newest();
        const r = await App.api('GET', `/api/catalog/skus?search=${encodeURIComponent(text)}&limit=20`);
        if (!current() || !r.ok || !Array.isArray(r.data)) return;
        for (const s of r.data) catalog.set(s.code, s);
        skus.replaceChildren(...r.data.map(s => App.el('option', { value: s.code }, `${s.name} · ${App.money(s.price, s.currency)}`)));
      }, 200);
    };
    const row = line => {
      const input = (name, attrs) => App.el('input', { name, 'aria-label': name, ...attrs });
      const parts = {
        sku: input('sku', { list: 'skuChoices', size: 12, autocomplete: 'off', placeholder: App.t('deal.lines.pick', 'search SKU or name') }),
        name: input('name', { size: 24, maxlength: 200 }),
        quantity: input('quantity', { inputmode: 'decimal', size: 5 }),
        price: input('price', { inputmode: 'decimal', size: 9 }),
        discount: input('discount', { inputmode: 'decimal', size: 4 }),
        total: App.el('td', { class: 'num' }),
      };
      const remove = App.el('button', { type: 'button', class: 'remove', 'aria-label': App.t('deal.lines.remove', 'Remove line') }, '×');
      const tr = App.el('tr', { class: 'line' }, ['sku', 'name', 'quantity', 'price', 'discount'].map(k => App.el('td', {}, parts[k])), parts.total, App.el('td', {}, remove));
      tr.parts = parts;
      parts.sku.value = line?.sku ?? '';
      parts.name.value = line?.name ?? '';
      parts.quantity.value = line?.quantity ?? '1';
      parts.price.value = line?.price ?? '';
      parts.discount.value = line?.discount ? line.discount : '';
      parts.sku.addEventListener('input', () => { if (parts.sku.value.trim().length >= 1) search(parts.sku.value.trim()); });
      parts.sku.addEventListener('change', () => {
        const picked = catalog.get(parts.sku.value.trim().toUpperCase());
        if (!picked) return;
        parts.sku.value = picked.code;
        if (!parts.name.value) parts.name.value = picked.name;
        if (!parts.price.value) parts.price.value = picked.price;
        refreshTotals();
      });
      remove.addEventListener('click', () => { tr.remove(); dirty = true; refreshTotals(); });
      for (const k of ['sku', 'name', 'quantity', 'price', 'discount']) parts[k].disabled = locked;
      remove.hidden = locked;
      return tr;
    };
    const draw = lines => { body.replaceChildren(...lines.map(row)); App.stack(table); refreshTotals(); };

    node.addEventListener('input', () => { dirty = true; refreshTotals(); });
    add.addEventListener('click', () => { const r = row(null); body.append(r); App.stack(table); dirty = true; refreshTotals(); r.parts.sku.focus(); });
    node.addEventListener('submit', event => {
      event.preventDefault();
      DealCard.busy(save, async () => {
        const lines = rows().map(read);
        const bad = lines.findIndex(l => !l.sku || l.quantity == null);
        if (bad >= 0) {
          message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('deal.lines.incomplete', 'Line {n} needs a SKU and a quantity.', { n: bad + 1 })));
          return;
        }
        const r = await App.api('PUT', `/api/deals/${deal.id}/lines`, { lines });
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        message.replaceChildren();
        dirty = false;
        base = JSON.stringify(r.data.lines);
        note.textContent = '';
        draw(r.data.lines);
        await DealCard.reload();
      })();
    });

    return { node, update: (d, hasOrder) => {
      deal = d;
      const wasLocked = locked;
      locked = d.status !== 'Open' || hasOrder || !!d.order?.orderId || !App.can('deal.change');
      add.hidden = save.hidden = locked;
      const server = JSON.stringify(d.lines);
      if (!dirty || locked) {
        if (server !== base || wasLocked !== locked || !body.children.length && d.lines.length) draw(d.lines);
        dirty = false;
        note.textContent = locked && d.status === 'Open' && (hasOrder || d.order?.orderId)
          ? App.t('deal.lines.locked', 'The deal has an order: its lines are the order\'s now.') : '';
      } else if (server !== base) {
        // Someone else saved lines while these are being typed: keep the typing, say so.
        note.textContent = App.t('deal.lines.changedUnder', 'The lines were changed meanwhile ({count} line(s), {amount}); saving replaces them with yours.',
          { count: d.lines.length, amount: App.money(d.amount, d.currency) });
      }
      base = server;
      refreshTotals();
    } };
  },

  // The deal's side of its order: an order problem (the deal is blocked), the order's total against the deal's amount,
  // and how far production is.
  orderInfo(d) {
    const o = d.order;
    if (!o) return null;
    const parts = [];
    if (o.orderProblem) {
      parts.push(App.el('div', { class: 'error', role: 'alert', id: 'orderProblem' },
        App.t('deal.order.problem', 'The order could not be made: {problem}. Fix the lines; the order is tried again when they are saved.', { problem: o.orderProblem })));
    }
    if (o.orderTotal != null) {
      parts.push(App.el('div', { id: 'orderTotal' },
        App.t('deal.order.total', 'Order {status}: total {total}', { status: o.orderStatus, total: App.money(o.orderTotal, d.currency) }),
        o.difference ? App.el('span', { class: 'badge overdue', id: 'orderDifference' },
          App.t('deal.order.difference', ' differs from the deal\'s amount by {difference}', { difference: App.money(o.difference, d.currency) })) : ''));
    }
    if (o.productionPercent != null) {
      parts.push(App.el('div', { id: 'productionReadiness' },
        o.productionExpectedOn
          ? App.t('deal.order.production', 'Production {percent}% ready, expected {date}', { percent: o.productionPercent, date: o.productionExpectedOn })
          : App.t('deal.order.productionDone', 'Production {percent}% ready', { percent: o.productionPercent })));
    }
    return App.el('div', { id: 'dealOrder' }, parts);
  },
};
