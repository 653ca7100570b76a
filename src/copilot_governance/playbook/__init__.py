"""The retro playbook: its schema, its rule conditions, and the configuration it sets."""
