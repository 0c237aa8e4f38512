"""gunicorn settings for fazhi (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, …) or on the command line.
"""

import multiprocessing
import os

wsgi_app = "fazhi_web.wsgi:application"

# Behind nginx on the same machine; use 0.0.0.0:8000 (and a firewall) when the proxy is on another machine.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: (2 × CPUs) + 1, capped so that every node's workers × CONN_MAX_AGE connections stay well under
# PostgreSQL's max_connections (docs/deploy.md, 扩容). Slow work (reading an upload, a whole ledger) runs as a job.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "sync"
threads = 1

# A request that takes longer than this is killed and logged: exports and PDFs (LibreOffice) take seconds, not
# minutes. Keep nginx's proxy_read_timeout a little above it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30  # on SIGTERM/HUP, finish requests in flight for up to this long
keepalive = 5

# Recycle workers now and then (memory held by large imports is given back), not all at the same moment.
max_requests = 1000
max_requests_jitter = 100

# Load the application once in the master: faster forks, and a broken configuration (missing FAZHI_SECRET_KEY,
# bad DATABASE_URL) stops the service at start instead of in every worker. Database connections are opened
# lazily in each worker, never shared across the fork.
preload_app = True

# Logs to stdout/stderr: systemd's journal keeps them (journalctl -u fazhi-web).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The client's address as nginx passes it, the time taken in microseconds (%(D)s).
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'

# nginx on the same machine sets X-Forwarded-Proto; trust it from there only (FAZHI_HTTPS=1 reads it).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "fazhi-web"
