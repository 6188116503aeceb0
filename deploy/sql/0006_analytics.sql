-- Analytics kept incrementally by the projector, in the same batch as the read model (never a nightly batch).
-- Every row is keyed by the seq of the activity that made it, so replays and late duplicates change nothing.

-- One row per stage visit: a deal entered a stage (StageChanged, seq = entered_seq) and left it for another stage
-- (outcome Passed), or closed from it (outcome Won / Lost, the stage it was lost at). Terminal stages get no visit.
CREATE TABLE IF NOT EXISTS deal_stage_visit (
    deal_id          uuid NOT NULL,
    entered_seq      bigint NOT NULL,
    stage            text NOT NULL,
    process_kind     text NOT NULL,
    process_version  int NOT NULL,
    department_id    text NOT NULL,
    owner            text NOT NULL,
    amount           numeric(18,2) NOT NULL,
    entered_at       timestamptz NOT NULL,
    left_seq         bigint NULL,
    left_at          timestamptz NULL,
    outcome          text NULL,
    next_stage       text NULL,
    lost_reason      text NULL,
    -- The deal's last activity before the visit ended (activity recency, a win-probability feature).
    touched_at       timestamptz NULL,
    -- The executor the visit was last stuck on, and the seq of the snapshot that said so.
    stuck_on         text NULL,
    stuck_seq        bigint NULL,
    -- Set when the visit was entered / left and not yet counted into stage_funnel (cleared in the same batch).
    uncounted_enter  boolean NOT NULL DEFAULT false,
    uncounted_leave  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (deal_id, entered_seq)
);
CREATE INDEX IF NOT EXISTS ix_visit_funnel ON deal_stage_visit (process_kind, entered_at) INCLUDE (stage, department_id, owner, outcome);
CREATE INDEX IF NOT EXISTS ix_visit_open ON deal_stage_visit (deal_id) WHERE left_seq IS NULL;
CREATE INDEX IF NOT EXISTS ix_visit_open_stage ON deal_stage_visit (process_kind, stage) INCLUDE (department_id, owner, entered_at, stuck_on) WHERE left_seq IS NULL;
-- The lost report reads only lost visits, from the index alone.
CREATE INDEX IF NOT EXISTS ix_visit_lost ON deal_stage_visit (left_at) INCLUDE (process_kind, department_id, owner, stage, lost_reason, amount) WHERE outcome = 'Lost';

-- The funnel per process, department, manager, stage and month of entering the stage: counts kept by the projector
-- in the same batch, so the funnel over millions of visits reads a few thousand rows.
CREATE TABLE IF NOT EXISTS stage_funnel (
    process_kind   text NOT NULL,
    department_id  text NOT NULL,
    owner          text NOT NULL,
    stage          text NOT NULL,
    month          date NOT NULL,
    entered        bigint NOT NULL DEFAULT 0,
    passed         bigint NOT NULL DEFAULT 0,
    lost           bigint NOT NULL DEFAULT 0,
    won            bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (process_kind, department_id, owner, stage, month)
);

-- Time in stage of left visits as a histogram with 5 % wide buckets (geometric from 36 seconds), per process,
-- department, manager, stage, month of entering and executor stuck on: medians and p90 over millions of visits
-- read a few thousand rows, within 2.5 %. Kept by the projector with the funnel counters.
CREATE OR REPLACE FUNCTION duration_bucket(hours double precision) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN greatest(0, floor(ln(greatest(hours, 0.01) / 0.01) / ln(1.05)))::int;

CREATE TABLE IF NOT EXISTS stage_duration (
    process_kind   text NOT NULL,
    department_id  text NOT NULL,
    owner          text NOT NULL,
    stage          text NOT NULL,
    month          date NOT NULL,
    executor       text NOT NULL,
    bucket         int NOT NULL,
    visits         bigint NOT NULL,
    hours          double precision NOT NULL,
    PRIMARY KEY (process_kind, department_id, owner, stage, month, executor, bucket)
);

-- One row per deal with what segments, forecasts and the win-probability model need beyond the deal row.
CREATE TABLE IF NOT EXISTS deal_fact (
    deal_id           uuid PRIMARY KEY,
    seq               bigint NOT NULL,
    parameters        jsonb NOT NULL,
    last_activity_at  timestamptz NOT NULL,
    lost_stage        text NULL,
    -- Win probability from the history model (NULL until the first refresh); the stage probability stays on deal.
    win_probability   double precision NULL,
    expected_close    date NULL,
    scored_at         timestamptz NULL
);
CREATE INDEX IF NOT EXISTS ix_deal_fact_equipment ON deal_fact ((parameters ->> 'equipmentType'));

-- Closed-deal indexes for the lost/manager/forecast reports.
CREATE INDEX IF NOT EXISTS ix_deal_closed ON deal (closed_at) INCLUDE (status, owner, department_id, process_kind, amount) WHERE status <> 'Open';

-- What the forecast said on a day, per month ahead, so forecast can later be set against actual.
CREATE TABLE IF NOT EXISTS forecast_snapshot (
    made_on          date NOT NULL,
    month            date NOT NULL,
    process_kind     text NOT NULL,
    department_id    text NOT NULL,
    expected_amount  numeric(18,2) NOT NULL,
    open_deals       int NOT NULL,
    PRIMARY KEY (made_on, month, process_kind, department_id)
);

-- Deals projected before this script have their journal in deal_activity: their visits, counters and facts are
-- rebuilt from it once, here, so an existing installation starts with its whole history.
WITH moves AS (
    SELECT a.deal_id, a.seq, a.at, a.subject AS stage,
           lead(a.seq) OVER w AS next_seq, lead(a.at) OVER w AS next_at, lead(a.subject) OVER w AS next_stage
    FROM deal_activity a
    WHERE a.kind = 'StageChanged'
    WINDOW w AS (PARTITION BY a.deal_id ORDER BY a.seq)),
closing AS (
    SELECT deal_id, seq, at, kind, subject, stage FROM deal_activity WHERE kind IN ('Won', 'Lost'))
INSERT INTO deal_stage_visit (deal_id, entered_seq, stage, process_kind, process_version, department_id, owner, amount, entered_at,
    left_seq, left_at, outcome, next_stage, lost_reason, stuck_on, stuck_seq)
SELECT m.deal_id, m.seq, m.stage, d.process_kind, d.process_version, d.department_id, d.owner, d.amount, m.at,
       coalesce(c.seq, m.next_seq), m.next_at,
       CASE WHEN m.next_seq IS NULL THEN NULL ELSE coalesce(c.kind, 'Passed') END,
       CASE WHEN c.kind IS NULL THEN m.next_stage END,
       CASE WHEN c.kind = 'Lost' THEN c.subject END,
       CASE WHEN m.next_seq IS NULL THEN d.stuck_on END, CASE WHEN m.next_seq IS NULL AND d.stuck_on IS NOT NULL THEN d.seq END
FROM moves m
JOIN deal d ON d.deal_id = m.deal_id
LEFT JOIN closing c ON c.deal_id = m.deal_id AND c.stage = m.next_stage AND c.seq > m.next_seq
-- A terminal stage (entered by the move that closed the deal) is no visit.
WHERE NOT EXISTS (SELECT 1 FROM closing t WHERE t.deal_id = m.deal_id AND t.stage = m.stage AND t.seq > m.seq)
ON CONFLICT (deal_id, entered_seq) DO NOTHING;

INSERT INTO stage_funnel (process_kind, department_id, owner, stage, month, entered, passed, lost, won)
SELECT process_kind, department_id, owner, stage, date_trunc('month', entered_at AT TIME ZONE 'UTC')::date, count(*),
       count(*) FILTER (WHERE outcome = 'Passed'), count(*) FILTER (WHERE outcome = 'Lost'), count(*) FILTER (WHERE outcome = 'Won')
FROM deal_stage_visit
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (process_kind, department_id, owner, stage, month) DO NOTHING;

INSERT INTO stage_duration (process_kind, department_id, owner, stage, month, executor, bucket, visits, hours)
SELECT process_kind, department_id, owner, stage, date_trunc('month', entered_at AT TIME ZONE 'UTC')::date, coalesce(stuck_on, ''),
       duration_bucket(date_part('epoch', left_at - entered_at) / 3600.0), count(*), sum(date_part('epoch', left_at - entered_at) / 3600.0)
FROM deal_stage_visit
WHERE left_at IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT (process_kind, department_id, owner, stage, month, executor, bucket) DO NOTHING;

INSERT INTO deal_fact (deal_id, seq, parameters, last_activity_at, lost_stage)
SELECT d.deal_id, 0, '{}', coalesce((SELECT max(a.at) FROM deal_activity a WHERE a.deal_id = d.deal_id), d.created_at),
       (SELECT v.stage FROM deal_stage_visit v WHERE v.deal_id = d.deal_id AND v.outcome = 'Lost')
FROM deal d
ON CONFLICT (deal_id) DO NOTHING;
