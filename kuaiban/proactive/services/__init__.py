"""Writes of 免申即办: rules (load, approve, publish), runs and offers."""
