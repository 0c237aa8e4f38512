"""Background jobs: work too slow for a request (reading an uploaded plan, a province's ledger, a plan against
every peer plan) runs as a ``Job`` — on a Dramatiq queue when ``FAZHI_JOBS_BROKER`` is set, otherwise in a small
thread pool of the web process — and its page shows the progress. See docs/jobs.md.
"""
