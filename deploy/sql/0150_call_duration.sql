-- Talk time is never negative. Before this version a call whose "answered" was stamped after the PBX's own no-answer
-- end (a 200 crossing the CANCEL) was stored with a negative duration: it is unknown, so NULL.
UPDATE call_log SET duration_ms = NULL WHERE duration_ms < 0;
ALTER TABLE call_log ADD CONSTRAINT call_log_duration_not_negative CHECK (duration_ms IS NULL OR duration_ms >= 0);
