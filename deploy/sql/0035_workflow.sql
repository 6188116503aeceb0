-- Work flows of the pages (issue 10): each person's language (null = the browser's) and whether notifications are
-- also mailed to them (the in-app item always exists; mail is a copy one may switch off).
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS language text NULL;
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS notify_by_mail boolean NOT NULL DEFAULT true;
