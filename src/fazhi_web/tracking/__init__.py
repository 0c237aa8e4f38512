"""Implementation tracking: cycles, progress reports, evidence, extensions, supervision, notifications."""
