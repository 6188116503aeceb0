-- Documents that arrive with an inquiry (mail attachments) belong to the contact and its lead until a deal takes
-- them; source_key (the mail's key and the attachment's place) makes a re-read mail store nothing twice.
ALTER TABLE document ALTER COLUMN deal_id DROP NOT NULL;
ALTER TABLE document ADD COLUMN IF NOT EXISTS contact_id uuid NULL;
ALTER TABLE document ADD COLUMN IF NOT EXISTS lead_id uuid NULL;
ALTER TABLE document ADD COLUMN IF NOT EXISTS source_key text NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ux_document_source ON document (source_key) WHERE source_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_document_contact ON document (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_document_lead ON document (lead_id) WHERE lead_id IS NOT NULL;
