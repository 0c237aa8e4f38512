"""Exports of a parsed plan: JSON (the gold format), and later xlsx, docx, ics."""
