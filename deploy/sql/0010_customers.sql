-- Customer base import: companies carry their id in the old system, region, segment and serving department;
-- contacts their position and old id. Written by the lead projector like the other contact and company columns.
ALTER TABLE company ADD COLUMN IF NOT EXISTS external_id text NULL;
ALTER TABLE company ADD COLUMN IF NOT EXISTS region text NULL;
ALTER TABLE company ADD COLUMN IF NOT EXISTS segment text NULL;
ALTER TABLE company ADD COLUMN IF NOT EXISTS department_id text NULL;
CREATE INDEX IF NOT EXISTS ix_company_inn ON company (inn) WHERE inn IS NOT NULL;

ALTER TABLE contact ADD COLUMN IF NOT EXISTS position text NULL;
ALTER TABLE contact ADD COLUMN IF NOT EXISTS external_id text NULL;
CREATE INDEX IF NOT EXISTS ix_contact_company ON contact (company_id) WHERE company_id IS NOT NULL;
