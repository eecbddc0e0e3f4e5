"""Encryption at rest for personal data (ID numbers, phones, addresses).

AES-256-GCM with a random 96-bit nonce per value. Stored form: ``v1:<key id>:<base64(nonce|ciphertext)>``.
Keys come from ``LINGONG_FIELD_KEY`` (comma-separated, base64 of 32 bytes): the first key encrypts,
every key decrypts, so a rotation is: put the new key first, run ``lingong rotate_field_key``, then
drop the old one. Exact-value search goes through a keyed hash (HMAC-SHA256, ``LINGONG_INDEX_KEY``),
which never changes with rotation. See docs/adr/0004-encryption-of-personal-data.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("LINGONG_FIELD_KEY: each key must be base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("LINGONG_FIELD_KEY: each key must decode to 32 bytes (AES-256)")
    return raw


def key_id(key: bytes) -> str:
    """A short public fingerprint naming which key encrypted a value."""
    return hashlib.sha256(b"lingong-key-id" + key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keyring(setting: str) -> tuple[tuple[str, AESGCM], ...]:
    keys = [k for k in setting.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("LINGONG_FIELD_KEY is empty")
    return tuple((key_id(raw), AESGCM(raw)) for raw in map(_decode_key, keys))


def keyring() -> tuple[tuple[str, AESGCM], ...]:
    return _keyring(settings.LINGONG_FIELD_KEY)


def primary_key_id() -> str:
    return keyring()[0][0]


def encrypt(plaintext: str) -> str:
    kid, aead = keyring()[0]
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), kid.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str) -> str:
    try:
        prefix, kid, body = token.split(":", 2)
    except ValueError as exc:
        raise ValueError("not an encrypted value") from exc
    if prefix != PREFIX:
        raise ValueError(f"unknown ciphertext version {prefix!r}")
    for candidate, aead in keyring():
        if candidate == kid:
            blob = base64.b64decode(body)
            return aead.decrypt(blob[:12], blob[12:], kid.encode()).decode("utf-8")
    raise ImproperlyConfigured(f"no key {kid} in LINGONG_FIELD_KEY: was a rotated-out key dropped too early?")


def is_current(token: str) -> bool:
    return token.split(":", 2)[1] == primary_key_id() if token.count(":") >= 2 else False


@lru_cache(maxsize=4)
def _index_key(setting: str) -> bytes:
    if not setting:
        raise ImproperlyConfigured("LINGONG_INDEX_KEY is empty")
    return base64.b64decode(setting)


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact-match lookup; ``purpose`` keeps a phone and an ID from sharing hashes."""
    key = _index_key(settings.LINGONG_INDEX_KEY)
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")
