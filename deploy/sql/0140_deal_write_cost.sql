-- Issue 12, fifth round: what a deal command writes besides its rows (measured with pg_walinspect and
-- pg_stat_statements, docs/benchmarks.md).
--
-- The journal's index on its time: no query reads deal_activity by time (the journal is read per deal and seq, the
-- analytics backfill by kind), yet each of the ~1.5 lines a command writes inserted an entry into it.
DROP INDEX IF EXISTS ix_deal_activity_at;

-- The follow-up sweep's index held modified_at, which every state write changes: PostgreSQL cannot update a row in
-- place (HOT) when an indexed column changes, so each write of a grain's state also inserted a new entry into all
-- three of grain_state's indexes (the primary key's is the long text key). The sweep (WorkDueAsync) asks for rows
-- with work due of any state, which it finds through this narrower partial index as well: few rows have work due.
DROP INDEX IF EXISTS ix_grain_state_work_due;
CREATE INDEX IF NOT EXISTS ix_grain_state_work_due_state ON grain_state (state_name) WHERE work_due;

-- Room on each page for the updated row, so an update that changes no indexed column stays on its page (HOT, no
-- index entries). Applies to pages written from now on.
ALTER TABLE grain_state SET (fillfactor = 70);
ALTER TABLE deal SET (fillfactor = 85);
ALTER TABLE deal_stage_visit SET (fillfactor = 85);
