-- Issue 11 (5, 6, 7): deals and orders point at their company (and contact) record; the name text stays for display
-- and for old rows (which the company rollup still finds by name). Claims, their journal, and satisfaction surveys.
ALTER TABLE deal ADD COLUMN IF NOT EXISTS company_id uuid NULL;
ALTER TABLE deal ADD COLUMN IF NOT EXISTS contact_id uuid NULL;
CREATE INDEX IF NOT EXISTS ix_deal_company ON deal (company_id) WHERE company_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_deal_company_name ON deal (lower(company));

ALTER TABLE sales_order ADD COLUMN IF NOT EXISTS company_id uuid NULL;
CREATE INDEX IF NOT EXISTS ix_sales_order_company ON sales_order (company_id) WHERE company_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_company_name ON company (lower(name));

-- Claims (Претензии / Reklamationen): one row per claim, written only by the claim projector, guarded by seq.
CREATE TABLE IF NOT EXISTS claim (
    claim_id        uuid PRIMARY KEY,
    seq             bigint NOT NULL,
    order_id        uuid NULL,
    deal_id         uuid NULL,
    company_id      uuid NULL,
    company         text NOT NULL,
    reason          text NOT NULL,
    description     text NULL,
    items           jsonb NOT NULL,
    responsible     text NOT NULL,
    department_id   text NULL,
    manager         text NULL,
    status          text NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    deadline        timestamptz NOT NULL,
    overdue_at      timestamptz NULL,
    escalated_to    text NULL,
    escalated_at    timestamptz NULL,
    resolution      text NULL,
    cost            numeric(18,2) NULL,
    resolved_at     timestamptz NULL,
    hours_to_resolve double precision NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_claim_company ON claim (company_id);
CREATE INDEX IF NOT EXISTS ix_claim_order ON claim (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_claim_status ON claim (status, deadline);

CREATE TABLE IF NOT EXISTS claim_activity (
    claim_id uuid NOT NULL,
    seq      bigint NOT NULL,
    at       timestamptz NOT NULL,
    actor    text NOT NULL,
    kind     text NOT NULL,
    text     text NOT NULL,
    PRIMARY KEY (claim_id, seq)
);

-- Claimed items, one row each, for analytics by product.
CREATE TABLE IF NOT EXISTS claim_item (
    claim_id uuid NOT NULL,
    no       int NOT NULL,
    sku      text NOT NULL,
    name     text NULL,
    quantity numeric(18,3) NOT NULL,
    PRIMARY KEY (claim_id, no)
);
CREATE INDEX IF NOT EXISTS ix_claim_item_sku ON claim_item (sku);

-- Customer-satisfaction call after a won deal (industrial survey): score 1-5 and a comment, one per deal.
CREATE TABLE IF NOT EXISTS satisfaction_survey (
    deal_id      uuid PRIMARY KEY,
    company_id   uuid NULL,
    company      text NOT NULL,
    owner        text NOT NULL,
    process_kind text NOT NULL,
    score        int NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment      text NULL,
    called_by    text NOT NULL,
    at           timestamptz NOT NULL
);
