-- The deal–order link moved from the node's configuration (Orders:DealLinks) into the process definitions.
-- Until now every order-driven deal was linked by the built-in default, whatever its version; write that default
-- into the stored order-driven versions that predate the link, so running deals keep exactly the behaviour they had.
UPDATE process_definition
SET definition = definition || jsonb_build_object('orderLink', '{
        "createAt": "contract-approved",
        "warehouse": "main",
        "submit": true,
        "moves": [
            { "on": "execution", "to": "in-execution" },
            { "on": "shipped", "to": "shipped" },
            { "on": "completed", "to": "completed" }
        ],
        "lostStage": "rejected",
        "lostReason": "order cancelled"
    }'::jsonb)
WHERE kind = 'order-driven' AND NOT definition ? 'orderLink';
