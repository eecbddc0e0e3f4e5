"""Exit 0 when the database in DATABASE_URL answers within three seconds (used by `make test`)."""

import os
import sys

import psycopg

url = os.environ["DATABASE_URL"]
try:
    psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
except Exception as exc:
    print(f"no answer: {exc}", file=sys.stderr)
    sys.exit(1)
