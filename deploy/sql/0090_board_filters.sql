-- Saved board filters, each person's own (process, owner, department under a name they choose).
CREATE TABLE IF NOT EXISTS board_filter (
    user_name  text        NOT NULL,
    name       text        NOT NULL,
    process    text,
    owner      text,
    department text,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_name, name)
);
