// A customer order made by hand (issue 11: company records everywhere): the customer is a company record picked (or
// created) with the same picker as the deal's, lines are "SKU × quantity" one per line, and the order points at the
// company (POST /api/orders with companyId), so the company page lists it.
const NewOrder = {
  form(onCreated) {
    let company = null;
    const picked = App.el('div', { id: 'orderCompanyPicked', class: 'muted', 'aria-live': 'polite' }, App.t('neworder.noCompany', 'No company picked yet.'));
    const picker = CompanyPicker.form(c => { company = c; picked.replaceChildren(App.t('company.link.picked', 'Picked: {name}', { name: c.name })); });
    const warehouse = App.el('select', { name: 'warehouse', id: 'orderWarehouse' });
    const currency = App.el('input', { name: 'currency', id: 'orderCurrency', value: 'EUR', size: 4, maxlength: 3 });
    const lines = App.el('textarea', { name: 'lines', id: 'orderLines', rows: 4, placeholder: 'SKU-100 × 2' });
    const message = App.el('div', { 'aria-live': 'polite' });
    const create = App.el('button', { type: 'submit', class: 'primary', id: 'createOrder' }, App.t('neworder.create', 'Create order'));
    const form = App.el('form', { id: 'newOrderForm', class: 'panel', hidden: true },
      App.el('h2', {}, App.t('neworder.title', 'New order')), picker, picked,
      App.field(App.t('neworder.warehouse', 'Warehouse'), warehouse), App.field(App.t('neworder.currency', 'Currency'), currency),
      App.field(App.t('neworder.lines', 'Lines (SKU × quantity, one per line)'), lines), App.el('div', { class: 'controls' }, create), message);
    const open = App.el('button', { type: 'button', id: 'newOrder', onclick: async () => {
      form.hidden = !form.hidden;
      if (!form.hidden && !warehouse.options.length) {
        const r = await App.api('GET', '/api/catalog/warehouses');
        warehouse.replaceChildren(...(r.ok ? r.data : []).map(w => App.el('option', { value: w.id }, w.name || w.id)));
      }
    } }, App.t('neworder.open', 'New order'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      await App.busy(create, async () => {
        if (!company) { message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('neworder.pickCompany', 'Pick the customer company first.'))); return; }
        const parsed = [];
        const rows = lines.value.split('\n').map(l => l.trim()).filter(Boolean);
        for (let i = 0; i < rows.length; i++) {
          const m = rows[i].match(/^(\S+)\s*[×x*]\s*([\d.,]+)$/i);
          if (!m) { message.replaceChildren(App.el('div', { class: 'error', role: 'alert' }, App.t('leads.convert.badLine', 'Line {n}: write SKU × quantity, e.g. SKU-100 × 2.', { n: i + 1 }))); return; }
          parsed.push({ sku: m[1], quantity: Number(m[2].replace(',', '.')) });
        }
        const r = await App.api('POST', '/api/orders', { id: NewOrder.id ??= (crypto.randomUUID ? crypto.randomUUID() : undefined), companyId: company.id,
          warehouse: warehouse.value, currency: currency.value.trim() || null, lines: parsed });
        if (!r.ok) { message.replaceChildren(App.problem(r)); return; }
        NewOrder.id = null;
        form.hidden = true;
        lines.value = '';
        message.replaceChildren();
        await onCreated(r.data);
      });
    });
    return App.el('div', { id: 'newOrderArea' }, App.can('order.create') ? open : null, form);
  },
};
