-- Outgoing e-mail from a deal (issue 11, the 1C:CRM project's templated mail).
-- mail_template: what an admin or a department head edits on /mail-templates.html; one language per row.
CREATE TABLE IF NOT EXISTS mail_template (
    template_id uuid PRIMARY KEY,
    name text NOT NULL,
    language text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_mail_template_name ON mail_template (lower(name), language);

-- deal_mail: the outbox of mails a manager sent from a deal. The id is the client's (one per composed mail), so a
-- double click or a retried request queues it once; the mailer claims due rows with a lease (two nodes never send
-- the same), sends with a Message-Id derived from the id, and retries with backoff while SMTP is down.
CREATE TABLE IF NOT EXISTS deal_mail (
    mail_id uuid PRIMARY KEY,
    deal_id uuid NOT NULL,
    company_id uuid NULL,
    contact_id uuid NULL,
    sender text NOT NULL,
    sender_name text NOT NULL,
    from_address text NOT NULL,
    reply_to text NOT NULL,
    to_address text NOT NULL,
    to_name text NULL,
    subject text NOT NULL,
    body text NOT NULL,
    language text NOT NULL,
    template_id uuid NULL,
    attachment_name text NULL,
    attachment bytea NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- pending (queued or retrying), sent
    status text NOT NULL DEFAULT 'pending',
    attempts int NOT NULL DEFAULT 0,
    next_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz NULL,
    last_error text NULL,
    -- the deal's journal has the line (written after the send; retried until it is)
    journalled boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS ix_deal_mail_deal ON deal_mail (deal_id, created_at DESC);
CREATE INDEX IF NOT EXISTS ix_deal_mail_company ON deal_mail (company_id, created_at DESC) WHERE company_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_deal_mail_due ON deal_mail (next_at) WHERE status = 'pending' OR NOT journalled;
