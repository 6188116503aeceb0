-- Projection dead letters: a publication the read model refused for good (a value its columns cannot hold, a
-- constraint) is set aside here, so the projection goes on with every later event instead of retrying one forever.
-- Ops see them (GET /api/ops/dead-letters) and retry them once the cause is fixed; metric salesorleans.projection.dead_letters.
CREATE TABLE IF NOT EXISTS dead_letter (
    id          bigserial   PRIMARY KEY,
    sink        text        NOT NULL,
    item_key    text        NOT NULL,
    seq         bigint      NOT NULL,
    error       text        NOT NULL,
    sql_state   text        NULL,
    payload     text        NULL,
    node        text        NOT NULL,
    attempts    int         NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retried_at  timestamptz NULL,
    resolved_at timestamptz NULL
);

CREATE INDEX IF NOT EXISTS ix_dead_letter_open ON dead_letter (created_at) WHERE resolved_at IS NULL;
