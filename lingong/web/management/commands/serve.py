"""`lingong serve`: the web server. Development: Django's server on 127.0.0.1:8000.
Production runs gunicorn behind nginx instead (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站（开发模式，默认 http://127.0.0.1:8000）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"灵工 is serving at http://{options['addrport']}/  (API docs: /api/docs)")
        call_command("runserver", options["addrport"], use_reloader=False)
