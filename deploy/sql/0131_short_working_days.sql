-- Shortened working days: in Russia the working day right before a public holiday is one hour shorter (Labour Code
-- art. 95). A calendar day of kind 'short' is a working day that ends shortened_minutes earlier; deadlines counted in
-- working hours honour it. The Russian pre-holiday days of 2026–2028 ship here: each working day immediately before one
-- of the art. 112 holidays (transferred days off do not shorten the day before them).
ALTER TABLE calendar_day ADD COLUMN IF NOT EXISTS shortened_minutes int NOT NULL DEFAULT 0;
ALTER TABLE calendar_day DROP CONSTRAINT IF EXISTS calendar_day_kind_check;
ALTER TABLE calendar_day DROP CONSTRAINT IF EXISTS calendar_day_short_check;
ALTER TABLE calendar_day ADD CONSTRAINT calendar_day_kind_check CHECK (kind IN ('holiday', 'workday', 'short'));
ALTER TABLE calendar_day ADD CONSTRAINT calendar_day_short_check
    CHECK ((kind = 'short' AND shortened_minutes BETWEEN 1 AND 480) OR (kind <> 'short' AND shortened_minutes = 0));

INSERT INTO calendar_day (calendar_id, day, kind, name, shortened_minutes)
SELECT 'RU', d::date, 'short', n, 60 FROM (VALUES
    ('2026-04-30', 'Предпраздничный день (перед 1 мая)'),
    ('2026-05-08', 'Предпраздничный день (перед Днём Победы)'),
    ('2026-06-11', 'Предпраздничный день (перед Днём России)'),
    ('2026-11-03', 'Предпраздничный день (перед Днём народного единства)'),
    ('2027-02-22', 'Предпраздничный день (перед Днём защитника Отечества)'),
    ('2027-04-30', 'Предпраздничный день (перед 1 мая)'),
    ('2027-06-11', 'Предпраздничный день (перед Днём России)'),
    ('2027-11-03', 'Предпраздничный день (перед Днём народного единства)'),
    ('2027-12-31', 'Предпраздничный день (перед Новым годом)'),
    ('2028-02-22', 'Предпраздничный день (перед Днём защитника Отечества)'),
    ('2028-03-07', 'Предпраздничный день (перед 8 Марта)'),
    ('2028-05-08', 'Предпраздничный день (перед Днём Победы)'),
    ('2028-11-03', 'Предпраздничный день (перед Днём народного единства)')
) AS x(d, n)
WHERE EXISTS (SELECT 1 FROM holiday_calendar WHERE calendar_id = 'RU')
ON CONFLICT (calendar_id, day) DO NOTHING;
