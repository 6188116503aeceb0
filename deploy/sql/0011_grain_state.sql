-- Group-committed grain state (GroupCommitGrainStorage): the call grain, whose every write acknowledges a PBX event,
-- stores here so that many grains' writes share one commit. Same JSON payload as Orleans' own storage table.
CREATE TABLE IF NOT EXISTS grain_state (
    service_id  text        NOT NULL,
    state_name  text        NOT NULL,
    grain_key   text        NOT NULL,
    version     bigint      NOT NULL,
    payload     bytea       NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (service_id, state_name, grain_key)
);

-- Calls stored by earlier versions in Orleans' table move here, so a call that was ringing during the upgrade keeps
-- its events (a retried event stays a duplicate). The call grain's id prints as "call/<key>".
INSERT INTO grain_state (service_id, state_name, grain_key, version, payload, modified_at)
SELECT serviceid, 'call', 'call/' || grainidextensionstring, version, payloadbinary, coalesce(modifiedon, now())
FROM orleansstorage
WHERE graintypestring = 'call' AND grainidextensionstring IS NOT NULL AND payloadbinary IS NOT NULL
ON CONFLICT DO NOTHING;
