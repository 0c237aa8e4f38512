"""Jurisdictions, units, people, plans, tasks and assignments; import → review → publish."""
