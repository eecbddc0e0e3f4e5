"""What the database benchmarks share."""

from __future__ import annotations


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database named by ``url`` if it is missing (its rows stay)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
