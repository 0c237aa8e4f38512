"""fazhi_web: the Django project on top of the fazhi core (import → review → publish, pages, API)."""
