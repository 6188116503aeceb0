-- Routing keywords per department and language, kept by an admin (or the department's head) on the departments page:
-- a lead from mail or a web form whose text holds one goes to that department. They were configuration
-- (Leads:Routing keyword rules, English, German and Russian mixed); the shipped ones move here, sorted by language.
-- No foreign key to department: a department is created by the admin or the demo seeder after the migrations, and the
-- router only ever names departments the endpoint checked when the keywords were saved.
CREATE TABLE IF NOT EXISTS routing_keyword (
    department_id  text NOT NULL,
    language       text NOT NULL CHECK (language IN ('en', 'ru', 'de')),
    keywords       text[] NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text NULL,
    PRIMARY KEY (department_id, language)
);

INSERT INTO routing_keyword (department_id, language, keywords) VALUES
    ('industrial', 'en', ARRAY['pump', 'compressor']),
    ('industrial', 'de', ARRAY['Pumpe', 'Tauchpumpe', 'Kompressor', 'Schraubenkompressor', 'Klimaprüfschrank']),
    ('industrial', 'ru', ARRAY['насос', 'компрессор', 'климатическ']),
    ('training',   'en', ARRAY['course']),
    ('training',   'de', ARRAY['Schulung', 'Seminar', 'Kurs']),
    ('training',   'ru', ARRAY['обучени', 'курс', 'семинар']),
    ('projects',   'en', ARRAY['ERP'])
ON CONFLICT (department_id, language) DO NOTHING;
