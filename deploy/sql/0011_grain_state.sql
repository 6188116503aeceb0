-- Group-committed grain state (GroupCommitGrainStorage): the grains on the lead path (calls, whose every write
-- acknowledges a PBX event, inquiries, identities, contacts, companies, leads) store here so that many grains' writes
-- share one commit. Same JSON payload as Orleans' own storage table, from which rows of earlier versions are read
-- until the grain writes again.
CREATE TABLE IF NOT EXISTS grain_state (
    service_id  text        NOT NULL,
    state_name  text        NOT NULL,
    grain_key   text        NOT NULL,
    version     bigint      NOT NULL,
    payload     bytea       NOT NULL,
    modified_at timestamptz NOT NULL,
    -- The grain has work left that it does after answering (a call's inquiry or settling): if its node dies first,
    -- a sweep wakes it (CallSweeper), because nothing else would.
    work_due    boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (service_id, state_name, grain_key)
);

CREATE INDEX IF NOT EXISTS ix_grain_state_work_due ON grain_state (state_name, modified_at) WHERE work_due;

-- Grain states of a few kilobytes and more (a department's lead queue holds every open lead) are compressed on each
-- write: lz4 costs a fraction of the default pglz's CPU. Only where the server was built with lz4; applies to values
-- written from now on.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE grain_state ALTER COLUMN payload SET COMPRESSION lz4;
        ALTER TABLE orleansstorage ALTER COLUMN payloadbinary SET COMPRESSION lz4;
    END IF;
END
$$;

-- Which of the moved states an earlier version left in Orleans' table, found once here: a node asks this small table,
-- not a scan of Orleans' table, before it looks there for a grain grain_state does not have. (Keep the list in step
-- with the grains that use the group-commit storage.)
CREATE TABLE IF NOT EXISTS grain_state_legacy (
    service_id text NOT NULL,
    state_name text NOT NULL,
    PRIMARY KEY (service_id, state_name)
);

INSERT INTO grain_state_legacy (service_id, state_name)
SELECT DISTINCT serviceid, graintypestring
FROM orleansstorage
WHERE graintypestring IN ('call', 'inquiry', 'identity', 'contact', 'company', 'lead')
ON CONFLICT DO NOTHING;
