"""`lingong rotate_field_key`: re-encrypt every personal-data value with the first key in
LINGONG_FIELD_KEY, so an old key can then be removed. Safe to interrupt and run again."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from lingong.core import crypto
from lingong.core.audit import record
from lingong.core.fields import encrypted_fields
from lingong.core.models import AuditEntry

BATCH = 1000


class Command(BaseCommand):
    help = "用新密钥重新加密全部个人信息字段（密钥轮换）"

    def handle(self, *args: Any, **options: Any) -> None:
        primary = crypto.primary_key_id()
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            total += self._rotate_model(model, fields, primary)
        record(
            actor=None,
            action=AuditEntry.Action.KEY_ROTATION,
            note=f"re-encrypted {total} rows to key {primary}",
        )
        self.stdout.write(f"✓ {total} rows re-encrypted with key {primary}")

    def _rotate_model(self, model: Any, fields: list[Any], primary: str) -> int:
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        # Read the stored ciphertext itself (the ORM would decrypt it) to find rows on an old key.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {cols} FROM {table}")  # noqa: S608 - names come from model meta
            stale = [
                row[0] for row in cursor.fetchall() if any(v and not crypto.is_current(v) for v in row[1:])
            ]
        if not stale:
            return 0
        names = [f.name for f in fields] + [f.index_field for f in fields if f.index_field]
        done = 0
        with tqdm(total=len(stale), desc=model._meta.label, disable=None) as bar:
            for start in range(0, len(stale), BATCH):
                chunk = stale[start : start + BATCH]
                with transaction.atomic():
                    for obj in model._base_manager.select_for_update().filter(pk__in=chunk):
                        obj.save(update_fields=names)  # pre_save re-encrypts with the first key
                        done += 1
                bar.update(len(chunk))
        return done
