-- Quarantine in the app: each quarantined or filed mail keeps its message (so a person can still make a lead of it
-- or attach it to a customer), its first lines, and what became of it: who decided, when, and the lead or contact.
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS raw bytea NULL;
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS excerpt text NULL;
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS sent_at timestamptz NULL;
-- open, lead (made a lead or joined a known customer's), attached (to a contact a person chose), discarded
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'open';
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS decided_by text NULL;
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS decided_at timestamptz NULL;
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS contact_id uuid NULL;
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS lead_id uuid NULL;
ALTER TABLE mail_quarantine ADD COLUMN IF NOT EXISTS deal_id uuid NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ux_mail_quarantine_id ON mail_quarantine (id);
CREATE INDEX IF NOT EXISTS ix_mail_quarantine_open ON mail_quarantine (at DESC) WHERE state = 'open';
