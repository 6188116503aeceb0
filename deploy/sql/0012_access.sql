-- The access matrix (web/Auth/AccessMatrix.cs): the cells an admin changed through PUT /api/access/matrix.
-- The defaults ship in code; a row here overrides its cell. Every node reloads it within seconds.
CREATE TABLE IF NOT EXISTS access_matrix (
    role        text NOT NULL,
    capability  text NOT NULL,
    scope       text NOT NULL CHECK (scope IN ('None', 'Own', 'Department', 'All')),
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (role, capability)
);

-- The demo seeder made its integration user a department-less supervisor (export, publish, assign everywhere);
-- an installation seeded before this version gets the integration role it always meant.
UPDATE app_user SET roles = ARRAY['integration']
WHERE user_name = 'integration' AND display_name = 'Integrations' AND roles = ARRAY['supervisor'] AND department_id IS NULL;
