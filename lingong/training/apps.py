from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "lingong.training"
    label = "training"
    verbose_name = _("培训与创业服务")
