"""The proactive rule language: shared-data fields, conditions (Python and SQL), amounts."""
