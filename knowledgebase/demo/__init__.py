"""Demo content for `manage.py seed_kb`: data only, no logic."""
