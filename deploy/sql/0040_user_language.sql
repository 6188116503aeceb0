-- Each person's page language (en, ru, de); null: the browser's language decides.
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS language text;
