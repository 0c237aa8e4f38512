"""Server-rendered pages: access check first (``access.get_*_for_user``), then form, action, redirect."""
