-- Leads, contacts, companies, notifications and the call log: read model written by the lead projector from
-- grain events, each row guarded by its grain's seq so replays and late duplicates change nothing.

CREATE TABLE IF NOT EXISTS lead (
    lead_id              uuid PRIMARY KEY,
    seq                  bigint NOT NULL,
    channel              text NOT NULL,
    status               text NOT NULL,
    contact_id           uuid NOT NULL,
    company_id           uuid NULL,
    name                 text NULL,
    phone                text NULL,
    email                text NULL,
    company              text NULL,
    need                 text NULL,
    inquiry_key          text NOT NULL,
    department_id        text NOT NULL,
    assignee             text NULL,
    assignment_reason    text NULL,
    created_at           timestamptz NOT NULL,
    assigned_at          timestamptz NULL,
    first_contact_at     timestamptz NULL,
    closed_at            timestamptz NULL,
    disqualify_reason    text NULL,
    deal_id              uuid NULL,
    assign_due_at        timestamptz NULL,
    first_contact_due_at timestamptz NULL,
    sla_breaches         text[] NOT NULL,
    inquiries            int NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_lead_department_status ON lead (department_id, status, created_at);
CREATE INDEX IF NOT EXISTS ix_lead_assignee_status ON lead (assignee, status);
CREATE INDEX IF NOT EXISTS ix_lead_contact ON lead (contact_id);

CREATE TABLE IF NOT EXISTS lead_activity (
    lead_id  uuid NOT NULL,
    seq      bigint NOT NULL,
    at       timestamptz NOT NULL,
    actor    text NOT NULL,
    kind     text NOT NULL,
    text     text NOT NULL,
    subject  text NULL,
    PRIMARY KEY (lead_id, seq)
);

CREATE TABLE IF NOT EXISTS contact (
    contact_id    uuid PRIMARY KEY,
    seq           bigint NOT NULL,
    name          text NULL,
    kind          text NOT NULL,
    phones        text[] NOT NULL,
    emails        text[] NOT NULL,
    company_id    uuid NULL,
    company       text NULL,
    department_id text NULL,
    responsible   text NULL,
    open_lead_id  uuid NULL,
    open_deal_id  uuid NULL,
    inquiries     int NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_contact_phones ON contact USING gin (phones);
CREATE INDEX IF NOT EXISTS ix_contact_emails ON contact USING gin (emails);
CREATE INDEX IF NOT EXISTS ix_contact_responsible ON contact (responsible);

CREATE TABLE IF NOT EXISTS contact_activity (
    contact_id uuid NOT NULL,
    seq        bigint NOT NULL,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    kind       text NOT NULL,
    text       text NOT NULL,
    subject    text NULL,
    PRIMARY KEY (contact_id, seq)
);

-- Tasks about a contact: call-backs after missed calls, a marketer's "call this client".
CREATE TABLE IF NOT EXISTS contact_task (
    contact_id   uuid NOT NULL,
    task_id      text NOT NULL,
    seq          bigint NOT NULL,
    title        text NOT NULL,
    executor     text NOT NULL,
    kind         text NOT NULL,
    status       text NOT NULL,
    created_at   timestamptz NOT NULL,
    deadline     timestamptz NOT NULL,
    created_by   text NOT NULL,
    completed_at timestamptz NULL,
    result       text NULL,
    overdue_at   timestamptz NULL,
    escalated_to text NULL,
    PRIMARY KEY (contact_id, task_id)
);
CREATE INDEX IF NOT EXISTS ix_contact_task_executor_open ON contact_task (executor, deadline) WHERE status = 'Open';

CREATE TABLE IF NOT EXISTS company (
    company_id uuid PRIMARY KEY,
    seq        bigint NOT NULL,
    name       text NOT NULL,
    inn        text NULL,
    parent_id  uuid NULL,
    divisions  uuid[] NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_company_parent ON company (parent_id);

-- In-app notifications (the board shows them): one per notifying activity of a lead or contact.
CREATE TABLE IF NOT EXISTS notification (
    source     text NOT NULL,
    source_id  uuid NOT NULL,
    seq        bigint NOT NULL,
    recipient  text NOT NULL,
    at         timestamptz NOT NULL,
    text       text NOT NULL,
    read_at    timestamptz NULL,
    -- E-mail copy: sent by the node's mailer, never by a grain; retried with backoff, leased so nodes don't double-send.
    mail_status   text NULL,
    mail_attempts int NOT NULL DEFAULT 0,
    mail_next_at  timestamptz NOT NULL DEFAULT now(),
    mailed_at     timestamptz NULL,
    PRIMARY KEY (source, source_id, seq)
);
CREATE INDEX IF NOT EXISTS ix_notification_recipient ON notification (recipient, at DESC);
CREATE INDEX IF NOT EXISTS ix_notification_mail_due ON notification (mail_next_at) WHERE mail_status IS NULL;

-- One row per PBX call; version = events seen (+1000 once settled), so a late write of an older picture loses.
CREATE TABLE IF NOT EXISTS call_log (
    call_id       text PRIMARY KEY,
    version       int NOT NULL,
    caller        text NULL,
    called        text NULL,
    department_id text NULL,
    events        text[] NOT NULL,
    outcome       text NOT NULL,
    contact_id    uuid NULL,
    lead_id       uuid NULL,
    callback_for  text NULL,
    duration_ms   bigint NULL,
    settled       boolean NOT NULL,
    started_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_call_log_contact ON call_log (contact_id);

-- IMAP intake: the high-water mark per mailbox (UIDVALIDITY + last UID processed), so a restart reads each mail once.
CREATE TABLE IF NOT EXISTS mailbox_state (
    mailbox      text PRIMARY KEY,
    uid_validity bigint NOT NULL,
    last_uid     bigint NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Mails that could not become inquiries: moved to the quarantine folder, the reason kept here.
CREATE TABLE IF NOT EXISTS mail_quarantine (
    mailbox      text NOT NULL,
    uid_validity bigint NOT NULL,
    uid          bigint NOT NULL,
    message_id   text NULL,
    sender       text NULL,
    subject      text NULL,
    reason       text NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (mailbox, uid_validity, uid)
);
