-- SalesOrleans application tables: people, processes, documents and the read model the projector writes.
-- Grains own their state (Orleans storage); these tables are derived from their events, except people,
-- process versions and document contents which have no grain.

CREATE TABLE IF NOT EXISTS department (
    department_id text PRIMARY KEY,
    name          text NOT NULL,
    supervisor    text NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS app_user (
    user_name     text PRIMARY KEY CHECK (user_name ~ '^[a-z][a-z0-9._-]{1,63}$'),
    display_name  text NOT NULL,
    email         text NULL,
    password_hash text NOT NULL,
    roles         text[] NOT NULL,
    department_id text NULL REFERENCES department (department_id),
    extension     text NULL,
    time_zone     text NOT NULL DEFAULT 'UTC',
    work_start    time NOT NULL DEFAULT '09:00',
    work_end      time NOT NULL DEFAULT '18:00',
    work_days     int[] NOT NULL DEFAULT '{1,2,3,4,5}',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Integrations authenticate with a bearer token; only its SHA-256 is kept.
CREATE TABLE IF NOT EXISTS api_token (
    token_hash  text PRIMARY KEY,
    name        text NOT NULL,
    user_name   text NOT NULL REFERENCES app_user (user_name),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz NULL
);

CREATE TABLE IF NOT EXISTS process_definition (
    kind          text NOT NULL,
    version       int NOT NULL,
    name          text NOT NULL,
    definition    jsonb NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now(),
    published_by  text NOT NULL,
    PRIMARY KEY (kind, version)
);

-- Document contents; the deal grain keeps the reference. 'pending' until the deal accepted it.
CREATE TABLE IF NOT EXISTS document (
    document_id   uuid PRIMARY KEY,
    deal_id       uuid NOT NULL,
    kind          text NOT NULL,
    file_name     text NOT NULL,
    content_type  text NOT NULL,
    size          bigint NOT NULL,
    content       bytea NOT NULL,
    status        text NOT NULL DEFAULT 'pending',
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ix_document_deal ON document (deal_id);

-- Read model: one row per deal, written only by the projector, guarded by seq so replays change nothing.
CREATE TABLE IF NOT EXISTS deal (
    deal_id          uuid PRIMARY KEY,
    seq              bigint NOT NULL,
    title            text NOT NULL,
    process_kind     text NOT NULL,
    process_version  int NOT NULL,
    company          text NOT NULL,
    contact          text NULL,
    owner            text NOT NULL,
    department_id    text NOT NULL,
    amount           numeric(18,2) NOT NULL,
    currency         text NOT NULL,
    stage            text NOT NULL,
    stage_name       text NOT NULL,
    stage_entered_at timestamptz NOT NULL,
    probability      double precision NOT NULL,
    status           text NOT NULL,
    lost_reason      text NULL,
    stuck_on         text NULL,
    stuck_since      timestamptz NULL,
    open_tasks       int NOT NULL,
    overdue_tasks    int NOT NULL,
    next_deadline    timestamptz NULL,
    created_at       timestamptz NOT NULL,
    closed_at        timestamptz NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_deal_department_stage ON deal (department_id, process_kind, stage) WHERE status = 'Open';
CREATE INDEX IF NOT EXISTS ix_deal_owner ON deal (owner, status);
CREATE INDEX IF NOT EXISTS ix_deal_stuck_on ON deal (stuck_on, stuck_since) WHERE status = 'Open';

CREATE TABLE IF NOT EXISTS deal_task (
    deal_id       uuid NOT NULL,
    task_id       text NOT NULL,
    seq           bigint NOT NULL,
    stage         text NOT NULL,
    title         text NOT NULL,
    executor      text NOT NULL,
    status        text NOT NULL,
    created_at    timestamptz NOT NULL,
    deadline      timestamptz NOT NULL,
    overdue_at    timestamptz NULL,
    escalated_at  timestamptz NULL,
    escalated_to  text NULL,
    completed_at  timestamptz NULL,
    completed_by  text NULL,
    result        text NULL,
    PRIMARY KEY (deal_id, task_id)
);
CREATE INDEX IF NOT EXISTS ix_deal_task_executor_open ON deal_task (executor, deadline) WHERE status = 'Open';

-- The deal journal (журнал движения): append-only, one row per activity.
CREATE TABLE IF NOT EXISTS deal_activity (
    deal_id   uuid NOT NULL,
    seq       bigint NOT NULL,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    kind      text NOT NULL,
    stage     text NOT NULL,
    text      text NOT NULL,
    task_id   text NULL,
    subject   text NULL,
    PRIMARY KEY (deal_id, seq)
);
CREATE INDEX IF NOT EXISTS ix_deal_activity_at ON deal_activity (at);

-- ASP.NET Core Data Protection keys (cookie encryption), shared so a login works on every node and survives restarts.
CREATE TABLE IF NOT EXISTS data_protection_key (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
