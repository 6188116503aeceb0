-- When a grain stored here next has something to do on its own (a deal's next task deadline or escalation), written
-- with its state (IWakeDue). Every node's DueWakeSweeper claims due rows through the partial index, a bounded batch at a
-- time, and wakes those grains: a sleeping deal needs no Orleans reminder (whose table each silo reads whole for its
-- range and keeps in memory, one timer per row). Null for grains with nothing ahead.
ALTER TABLE grain_state ADD COLUMN IF NOT EXISTS wake_at timestamptz;

CREATE INDEX IF NOT EXISTS ix_grain_state_wake_at ON grain_state (service_id, wake_at) WHERE wake_at IS NOT NULL;
