"""Pages: the in-app inbox (消息)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
