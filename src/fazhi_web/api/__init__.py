"""The JSON API (django-ninja): jurisdictions, units, plans and tasks, with the pages' permissions."""
