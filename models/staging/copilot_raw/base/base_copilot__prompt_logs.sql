{{ checked_latest_deliveries(source('copilot_raw', 'zs_prompt_logs'), 'zs_prompt_logs') }}
