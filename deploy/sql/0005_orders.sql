-- Customer orders read model: one row per order and its journal, written only by the order projector and
-- guarded by seq so replays change nothing. The orders themselves live in the order grains.

CREATE TABLE IF NOT EXISTS sales_order (
    order_id         uuid PRIMARY KEY,
    seq              bigint NOT NULL,
    customer         text NOT NULL,
    responsible      text NOT NULL,
    deal_id          uuid NULL,
    warehouse_id     text NOT NULL,
    status           text NOT NULL,
    currency         text NOT NULL,
    total            numeric(18,2) NOT NULL,
    invoiced         numeric(18,2) NOT NULL,
    paid             numeric(18,2) NOT NULL,
    balance_due      numeric(18,2) NOT NULL,
    contract_number  text NULL,
    lines            int NOT NULL,
    waiting          numeric(18,3) NOT NULL,
    created_at       timestamptz NOT NULL,
    closed_at        timestamptz NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_sales_order_status ON sales_order (status, created_at);
CREATE INDEX IF NOT EXISTS ix_sales_order_responsible ON sales_order (responsible, status);
CREATE INDEX IF NOT EXISTS ix_sales_order_deal ON sales_order (deal_id) WHERE deal_id IS NOT NULL;

-- The order journal: approval route, allocation, receipts, waybills, invoices and payments.
CREATE TABLE IF NOT EXISTS sales_order_activity (
    order_id  uuid NOT NULL,
    seq       bigint NOT NULL,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    kind      text NOT NULL,
    status    text NOT NULL,
    text      text NOT NULL,
    document  text NULL,
    amount    numeric(18,3) NULL,
    PRIMARY KEY (order_id, seq)
);

-- Production and supplier orders of customer orders, for available-to-promise: what comes in, when, for whom.
CREATE TABLE IF NOT EXISTS order_replenishment (
    order_id          uuid NOT NULL,
    replenishment_id  text NOT NULL,
    seq               bigint NOT NULL,
    kind              text NOT NULL,
    line              int NOT NULL,
    sku               text NOT NULL,
    warehouse_id      text NOT NULL,
    quantity          numeric(18,3) NOT NULL,
    status            text NOT NULL,
    expected_on       date NOT NULL,
    PRIMARY KEY (order_id, replenishment_id)
);
CREATE INDEX IF NOT EXISTS ix_order_replenishment_open ON order_replenishment (sku, expected_on)
    WHERE status IN ('Planned', 'InProduction', 'Ordered');
