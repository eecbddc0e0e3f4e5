from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender: Any, **kwargs: Any) -> None:
    # Permissions exist only after post_migrate has created them, so groups are refreshed here.
    from django.contrib.auth.models import Group, Permission

    from lingong.accounts.groups import ensure_groups

    ensure_groups(Group, Permission)


class AccountsConfig(AppConfig):
    name = "lingong.accounts"
    label = "accounts"
    verbose_name = _("账号与实名")

    def ready(self) -> None:
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="lingong-ensure-groups")
