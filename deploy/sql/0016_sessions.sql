-- Sessions and API tokens the server can end (issue 14): a login cookie names its session, checked against this
-- table, so logout, deactivation and a password change end it on every node; tokens gain an id, scopes,
-- departments and an expiry so they can be listed, limited and revoked.

CREATE TABLE IF NOT EXISTS user_session (
    session_id  uuid PRIMARY KEY,
    user_name   text NOT NULL REFERENCES app_user (user_name),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    address     text NULL,
    revoked_at  timestamptz NULL
);

CREATE INDEX IF NOT EXISTS user_session_by_user ON user_session (user_name) WHERE revoked_at IS NULL;

ALTER TABLE app_user ADD COLUMN IF NOT EXISTS password_changed_at timestamptz NULL;

ALTER TABLE api_token ADD COLUMN IF NOT EXISTS token_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE api_token ADD COLUMN IF NOT EXISTS scopes text[] NULL;
ALTER TABLE api_token ADD COLUMN IF NOT EXISTS departments text[] NULL;
ALTER TABLE api_token ADD COLUMN IF NOT EXISTS expires_at timestamptz NULL;
ALTER TABLE api_token ADD COLUMN IF NOT EXISTS created_by text NULL;
CREATE UNIQUE INDEX IF NOT EXISTS api_token_by_id ON api_token (token_id);
