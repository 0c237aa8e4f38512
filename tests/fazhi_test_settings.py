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

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file in WAL mode rather than SQLite's shared in-memory database, whose table locks fail at once instead of
    # waiting: the browser tests' live server reads pages while the jobs' threads write (ARCHITECTURE.md).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
