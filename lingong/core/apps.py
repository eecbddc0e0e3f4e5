from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lingong.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        # Connects the signals that refresh cached working days when staff edit the calendar.
        from lingong.core import calendar  # noqa: F401
