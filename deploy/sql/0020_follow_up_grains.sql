-- Deals, stock items and orders store their state in grain_state (group-committed, with the work_due mark the follow-up
-- sweep reads: an order's pending stock actions, undelivered events), as calls do. Rows an earlier
-- version left in Orleans' table are read from there until the grain writes again (see 0011).
INSERT INTO grain_state_legacy (service_id, state_name)
SELECT DISTINCT serviceid, graintypestring
FROM orleansstorage
WHERE graintypestring IN ('deal', 'stockItem', 'order')
ON CONFLICT DO NOTHING;
