{{ checked_latest_deliveries(source('copilot_raw', 'zs_ticket_outcomes'), 'zs_ticket_outcomes') }}
