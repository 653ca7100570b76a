{{ checked_latest_deliveries(source('copilot_raw', 'zs_draft_confidence'), 'zs_draft_confidence') }}
