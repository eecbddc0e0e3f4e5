"""Model fields for personal data: encrypted at rest, with a keyed-hash twin for exact search.

Usage on a model::

    phone = EncryptedCharField(_("手机号"), index_field="phone_index", normalizer=normalize_phone)
    phone_index = BlindIndexField()

The encrypted field fills its index field on save, so lookups use ``Model.objects.filter(
phone_index=blind_index_for(Model, "phone", value))`` (see ``lookup_value``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from lingong.core import crypto


class EncryptedCharField(models.TextField):
    """A text value stored as AES-GCM ciphertext; Python code only ever sees the clear value."""

    def __init__(
        self,
        *args: Any,
        index_field: str | None = None,
        normalizer: Callable[[str], str] | None = None,
        purpose: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.index_field = index_field
        self.normalizer = normalizer
        self.purpose = purpose
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.index_field:
            kwargs["index_field"] = self.index_field
        if self.purpose:
            kwargs["purpose"] = self.purpose
        # The normalizer is code, not schema: migrations need not know it.
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> str:
        if value is None:
            return ""
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return crypto.encrypt(str(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname) or ""
        if self.normalizer and value:
            value = self.normalizer(value)
            setattr(model_instance, self.attname, value)
        if self.index_field:
            setattr(model_instance, self.index_field, self.index_of(value) if value else "")
        return value

    def index_of(self, value: str) -> str:
        if self.normalizer:
            value = self.normalizer(value)
        return crypto.blind_index(value, purpose=self.purpose or self.name)


class BlindIndexField(models.CharField):
    """HMAC-SHA256 hex of a normalised clear value; empty when the value is empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


def lookup_value(model: type[models.Model], field_name: str, value: str) -> str:
    """The index value to filter on for an exact clear-text match of ``model.field_name``."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, EncryptedCharField)
    return field.index_of(value)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [f for f in model._meta.get_fields() if isinstance(f, EncryptedCharField)]
