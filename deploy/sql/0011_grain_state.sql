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
    PRIMARY KEY (service_id, state_name, grain_key)
);
