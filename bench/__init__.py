"""Benchmarks: each prints its figures next to a baseline measured in the same run.

Run one with ``.venv/bin/python -m bench.<name>``; they are not part of ``make test``.
"""
