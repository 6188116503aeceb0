-- Lead fate, BCG and marketing segments (issue 7), kept by the projectors like the rest of the read model.

-- Segment fields of a lead, from its first inquiry: the region the sender named (web form field "region", or the
-- manager's entry) and the equipment type asked about (form field "equipmentType"; a converted lead's deal
-- parameter fills in when the inquiry had none, see the export query).
ALTER TABLE lead ADD COLUMN IF NOT EXISTS region text NULL;
ALTER TABLE lead ADD COLUMN IF NOT EXISTS equipment_type text NULL;

-- Lead fate by period of arrival reads only this index.
CREATE INDEX IF NOT EXISTS ix_lead_created ON lead (created_at)
    INCLUDE (channel, department_id, status, disqualify_reason, closed_at, assignee);

-- A deal's lines (sku, name, quantity, price) as the newest snapshot had them: revenue per product for the BCG matrix.
ALTER TABLE deal_fact ADD COLUMN IF NOT EXISTS lines jsonb NOT NULL DEFAULT '[]';

-- Won deals by close time for the BCG matrix (revenue this period against the one before).
CREATE INDEX IF NOT EXISTS ix_deal_won ON deal (closed_at) INCLUDE (company, amount, department_id, process_kind, owner) WHERE status = 'Won';

-- Where the stored win probability came from: 'model' (learned from enough history) or 'stage' (the process's
-- stage probability while the process has too few closed deals).
ALTER TABLE deal_fact ADD COLUMN IF NOT EXISTS win_source text NULL;
