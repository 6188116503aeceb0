-- Catalogue (SKUs, warehouses) and the stock read model. The catalogue has no grain: these tables are its home.
-- Stock itself lives in the stock item grains; stock_item, stock_batch, stock_reservation and stock_movement are
-- derived from their publications, written only by the projector and guarded by seq so replays change nothing.

CREATE TABLE IF NOT EXISTS warehouse (
    warehouse_id  text PRIMARY KEY CHECK (warehouse_id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    name          text NOT NULL,
    address       text NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL
);

CREATE TABLE IF NOT EXISTS sku (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
    name            text NOT NULL,
    unit            text NOT NULL,
    price           numeric(18,2) NOT NULL CHECK (price >= 0),
    currency        text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('Stocked', 'Manufactured', 'Purchased')),
    lead_time_days  int NOT NULL CHECK (lead_time_days >= 0),
    ean             text NULL,
    supplier        text NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_sku_ean ON sku (ean) WHERE ean IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_sku_name ON sku (lower(name));

-- One row per stock item (SKU in a warehouse): totals as of its seq.
CREATE TABLE IF NOT EXISTS stock_item (
    sku           text NOT NULL,
    warehouse_id  text NOT NULL,
    seq           bigint NOT NULL,
    on_hand       numeric(18,3) NOT NULL CHECK (on_hand >= 0),
    reserved      numeric(18,3) NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (sku, warehouse_id)
);
CREATE INDEX IF NOT EXISTS ix_stock_item_warehouse ON stock_item (warehouse_id, sku);

-- Batches as the stock item last published them; an emptied batch stays with zeros (its history is in the journal).
CREATE TABLE IF NOT EXISTS stock_batch (
    sku           text NOT NULL,
    warehouse_id  text NOT NULL,
    batch         text NOT NULL,
    seq           bigint NOT NULL,
    received_at   timestamptz NOT NULL,
    expiry        date NULL,
    on_hand       numeric(18,3) NOT NULL CHECK (on_hand >= 0),
    reserved      numeric(18,3) NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
    PRIMARY KEY (sku, warehouse_id, batch)
);

CREATE TABLE IF NOT EXISTS stock_reservation (
    sku             text NOT NULL,
    warehouse_id    text NOT NULL,
    reservation_id  text NOT NULL,
    seq             bigint NOT NULL,
    order_ref       text NOT NULL,
    line            int NULL,
    quantity        numeric(18,3) NOT NULL,
    held            numeric(18,3) NOT NULL CHECK (held >= 0),
    shipped         numeric(18,3) NOT NULL,
    released        numeric(18,3) NOT NULL,
    status          text NOT NULL,
    created_at      timestamptz NOT NULL,
    closed_at       timestamptz NULL,
    PRIMARY KEY (sku, warehouse_id, reservation_id)
);
CREATE INDEX IF NOT EXISTS ix_stock_reservation_order ON stock_reservation (order_ref);

-- The stock journal: append-only, one row per batch a command touched. Summing the deltas gives stock_item.
CREATE TABLE IF NOT EXISTS stock_movement (
    sku             text NOT NULL,
    warehouse_id    text NOT NULL,
    seq             bigint NOT NULL,
    at              timestamptz NOT NULL,
    kind            text NOT NULL,
    batch           text NOT NULL,
    on_hand_delta   numeric(18,3) NOT NULL,
    reserved_delta  numeric(18,3) NOT NULL,
    actor           text NOT NULL,
    reservation_id  text NULL,
    reference       text NULL,
    reason          text NULL,
    operation_id    text NULL,
    PRIMARY KEY (sku, warehouse_id, seq)
);
CREATE INDEX IF NOT EXISTS ix_stock_movement_at ON stock_movement (at);
