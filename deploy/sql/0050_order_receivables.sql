-- Receivables (issue 11): each order invoice with what is still open on it, written by the order projector (guarded
-- by the order's seq, so replays change nothing). The analytics page ages the open amounts by due date per customer.
CREATE TABLE IF NOT EXISTS sales_order_invoice (
    order_id     uuid NOT NULL,
    number       text NOT NULL,
    seq          bigint NOT NULL,
    customer     text NOT NULL,
    responsible  text NOT NULL,
    currency     text NOT NULL,
    amount       numeric(18,2) NOT NULL,
    open_amount  numeric(18,2) NOT NULL,
    due_date     date NOT NULL,
    issued_at    timestamptz NOT NULL,
    order_status text NOT NULL,
    PRIMARY KEY (order_id, number)
);
CREATE INDEX IF NOT EXISTS ix_sales_order_invoice_open ON sales_order_invoice (due_date) INCLUDE (customer, currency, open_amount)
    WHERE open_amount > 0;
