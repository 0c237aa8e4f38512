"""Settings for the tests: the one settings file, with the environment a test run needs.

The database is SQLite unless DATABASE_URL is set (the Makefile's PostgreSQL run sets it).
"""

import os
import tempfile

os.environ.setdefault("FAZHI_SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("FAZHI_DATA_DIR", tempfile.mkdtemp(prefix="fazhi-test-"))
os.environ.setdefault("FAZHI_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from fazhi_web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; production hashing is Argon2

# Background jobs run inside the request, so a test sees their result at once; tests/web/test_jobs.py runs them
# in the thread pool and on a real Redis broker too.
FAZHI_JOBS_BROKER = ""
FAZHI_JOBS_SYNC = True
