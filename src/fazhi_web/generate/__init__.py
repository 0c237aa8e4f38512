"""`fazhi gen-data`: a realistic province for load tests — jurisdictions, unit registries, accounts, plans
derived from the samples, and years of reports, evidence, supervision orders, extensions and score
adjustments (``run.generate``). See ``blueprint`` (what is made), ``world`` (places, people, plans) and
``records`` (the tracking records, written in bulk without history rows)."""
