-- Which task of the process a deal task is (the task template's id, unique within its stage), so a page can show the
-- title in its reader's language from the process's per-language "titles". Filled by the projector for every task it
-- writes; rows from before are given the id of the template whose English title they carry in the deal's own process
-- version, and the ids of the tasks the deal makes itself (lost review, order problem) by their fixed opening words.
-- Rows that match nothing keep NULL and are shown with the stored title.
ALTER TABLE deal_task ADD COLUMN IF NOT EXISTS template_id text NULL;

UPDATE deal_task t SET template_id = m.template_id
FROM (
    SELECT t2.deal_id, t2.task_id, min(tt.template ->> 'id') AS template_id
    FROM deal_task t2
    JOIN deal d ON d.deal_id = t2.deal_id
    JOIN process_definition p ON p.kind = d.process_kind AND p.version = d.process_version
    CROSS JOIN LATERAL jsonb_array_elements(coalesce(p.definition -> 'stages', '[]'::jsonb)) AS ps(definition)
    CROSS JOIN LATERAL jsonb_array_elements(coalesce(ps.definition -> 'tasks', '[]'::jsonb)) AS tt(template)
    WHERE t2.template_id IS NULL AND ps.definition ->> 'id' = t2.stage AND tt.template ->> 'title' = t2.title
    GROUP BY t2.deal_id, t2.task_id
) m
WHERE t.deal_id = m.deal_id AND t.task_id = m.task_id AND t.template_id IS NULL;

UPDATE deal_task SET template_id = 'lost-review' WHERE template_id IS NULL AND title LIKE 'Review lost deal: %';
UPDATE deal_task SET template_id = 'order-problem' WHERE template_id IS NULL AND title LIKE 'Fix the deal so its order can be made: %';
