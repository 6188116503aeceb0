-- Working calendars: named lists of public holidays (days off on a weekday) and transferred working days (a
-- Saturday worked instead), per country or per company. A person's deadlines skip the holidays of their own
-- calendar, or of their department's when they have none. Russia and Germany ship for 2026–2028; an admin imports
-- further years or countries from a CSV/JSON list on the calendars page.
CREATE TABLE IF NOT EXISTS holiday_calendar (
    calendar_id  text PRIMARY KEY CHECK (calendar_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    name         text NOT NULL,
    country      text NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS calendar_day (
    calendar_id  text NOT NULL REFERENCES holiday_calendar (calendar_id) ON DELETE CASCADE,
    day          date NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name         text NOT NULL,
    PRIMARY KEY (calendar_id, day)
);

ALTER TABLE app_user ADD COLUMN IF NOT EXISTS calendar_id text NULL REFERENCES holiday_calendar (calendar_id);
ALTER TABLE department ADD COLUMN IF NOT EXISTS calendar_id text NULL REFERENCES holiday_calendar (calendar_id);

-- Absence with a deputy: between the two dates (inclusive) new tasks for the person go to the deputy.
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS absent_from date NULL;
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS absent_until date NULL;
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS deputy text NULL;

INSERT INTO holiday_calendar (calendar_id, name, country) VALUES
    ('RU', 'Russia (production calendar)', 'RU'),
    ('DE', 'Germany (nationwide holidays)', 'DE')
ON CONFLICT (calendar_id) DO NOTHING;

-- Russia: Labour Code art. 112 holidays. 2026 with the government decree's transfers (3 Jan → 31 Dec, 4 Jan → 9 Jan)
-- and the art. 112 rule (a holiday on a weekend moves to the next working day: 8 Mar → 9 Mar, 9 May → 11 May).
-- 2027 and 2028: the holidays and the art. 112 moves; the decree's transfers of the January weekends are imported
-- when the decree for that year is published.
INSERT INTO calendar_day (calendar_id, day, kind, name) VALUES
    ('RU', '2026-01-01', 'holiday', 'Новогодние каникулы'),
    ('RU', '2026-01-02', 'holiday', 'Новогодние каникулы'),
    ('RU', '2026-01-05', 'holiday', 'Новогодние каникулы'),
    ('RU', '2026-01-06', 'holiday', 'Новогодние каникулы'),
    ('RU', '2026-01-07', 'holiday', 'Рождество Христово'),
    ('RU', '2026-01-08', 'holiday', 'Новогодние каникулы'),
    ('RU', '2026-01-09', 'holiday', 'Перенос выходного с 4 января'),
    ('RU', '2026-02-23', 'holiday', 'День защитника Отечества'),
    ('RU', '2026-03-09', 'holiday', 'Перенос с 8 марта (Международный женский день)'),
    ('RU', '2026-05-01', 'holiday', 'Праздник Весны и Труда'),
    ('RU', '2026-05-11', 'holiday', 'Перенос с 9 мая (День Победы)'),
    ('RU', '2026-06-12', 'holiday', 'День России'),
    ('RU', '2026-11-04', 'holiday', 'День народного единства'),
    ('RU', '2026-12-31', 'holiday', 'Перенос выходного с 3 января'),
    ('RU', '2027-01-01', 'holiday', 'Новогодние каникулы'),
    ('RU', '2027-01-04', 'holiday', 'Новогодние каникулы'),
    ('RU', '2027-01-05', 'holiday', 'Новогодние каникулы'),
    ('RU', '2027-01-06', 'holiday', 'Новогодние каникулы'),
    ('RU', '2027-01-07', 'holiday', 'Рождество Христово'),
    ('RU', '2027-01-08', 'holiday', 'Новогодние каникулы'),
    ('RU', '2027-02-23', 'holiday', 'День защитника Отечества'),
    ('RU', '2027-03-08', 'holiday', 'Международный женский день'),
    ('RU', '2027-05-03', 'holiday', 'Перенос с 1 мая (Праздник Весны и Труда)'),
    ('RU', '2027-05-10', 'holiday', 'Перенос с 9 мая (День Победы)'),
    ('RU', '2027-06-14', 'holiday', 'Перенос с 12 июня (День России)'),
    ('RU', '2027-11-04', 'holiday', 'День народного единства'),
    ('RU', '2028-01-03', 'holiday', 'Новогодние каникулы'),
    ('RU', '2028-01-04', 'holiday', 'Новогодние каникулы'),
    ('RU', '2028-01-05', 'holiday', 'Новогодние каникулы'),
    ('RU', '2028-01-06', 'holiday', 'Новогодние каникулы'),
    ('RU', '2028-01-07', 'holiday', 'Рождество Христово'),
    ('RU', '2028-02-23', 'holiday', 'День защитника Отечества'),
    ('RU', '2028-03-08', 'holiday', 'Международный женский день'),
    ('RU', '2028-05-01', 'holiday', 'Праздник Весны и Труда'),
    ('RU', '2028-05-09', 'holiday', 'День Победы'),
    ('RU', '2028-06-12', 'holiday', 'День России'),
    ('RU', '2028-11-06', 'holiday', 'Перенос с 4 ноября (День народного единства)')
ON CONFLICT (calendar_id, day) DO NOTHING;

-- Germany: the nine nationwide holidays (state holidays such as Epiphany or Reformation Day go in a state calendar).
INSERT INTO calendar_day (calendar_id, day, kind, name) VALUES
    ('DE', '2026-01-01', 'holiday', 'Neujahr'),
    ('DE', '2026-04-03', 'holiday', 'Karfreitag'),
    ('DE', '2026-04-06', 'holiday', 'Ostermontag'),
    ('DE', '2026-05-01', 'holiday', 'Tag der Arbeit'),
    ('DE', '2026-05-14', 'holiday', 'Christi Himmelfahrt'),
    ('DE', '2026-05-25', 'holiday', 'Pfingstmontag'),
    ('DE', '2026-10-03', 'holiday', 'Tag der Deutschen Einheit'),
    ('DE', '2026-12-25', 'holiday', '1. Weihnachtstag'),
    ('DE', '2026-12-26', 'holiday', '2. Weihnachtstag'),
    ('DE', '2027-01-01', 'holiday', 'Neujahr'),
    ('DE', '2027-03-26', 'holiday', 'Karfreitag'),
    ('DE', '2027-03-29', 'holiday', 'Ostermontag'),
    ('DE', '2027-05-01', 'holiday', 'Tag der Arbeit'),
    ('DE', '2027-05-06', 'holiday', 'Christi Himmelfahrt'),
    ('DE', '2027-05-17', 'holiday', 'Pfingstmontag'),
    ('DE', '2027-10-03', 'holiday', 'Tag der Deutschen Einheit'),
    ('DE', '2027-12-25', 'holiday', '1. Weihnachtstag'),
    ('DE', '2027-12-26', 'holiday', '2. Weihnachtstag'),
    ('DE', '2028-01-01', 'holiday', 'Neujahr'),
    ('DE', '2028-04-14', 'holiday', 'Karfreitag'),
    ('DE', '2028-04-17', 'holiday', 'Ostermontag'),
    ('DE', '2028-05-01', 'holiday', 'Tag der Arbeit'),
    ('DE', '2028-05-25', 'holiday', 'Christi Himmelfahrt'),
    ('DE', '2028-06-05', 'holiday', 'Pfingstmontag'),
    ('DE', '2028-10-03', 'holiday', 'Tag der Deutschen Einheit'),
    ('DE', '2028-12-25', 'holiday', '1. Weihnachtstag'),
    ('DE', '2028-12-26', 'holiday', '2. Weihnachtstag')
ON CONFLICT (calendar_id, day) DO NOTHING;

-- Which department owns a process kind: only its head (or an admin) publishes new versions of it.
CREATE TABLE IF NOT EXISTS process_owner (
    kind          text PRIMARY KEY,
    department_id text NOT NULL REFERENCES department (department_id)
);
