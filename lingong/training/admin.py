"""Back office for training courses: staff see and manage only the courses of their region; the form
runs the services' checks and saving goes through them, so each change is checked and audited like one
made through the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from lingong.core.admin_scope import RegionScopedAdmin
from lingong.core.errors import DomainError
from lingong.training import services
from lingong.training.models import TrainingCourse

#: The services' field names → the model form's.
_FORM_FIELD = {"region_code": "region", "occupation_code": "occupation"}


def _data(values: dict[str, Any]) -> dict[str, Any]:
    occupation, region = values.get("occupation"), values.get("region")
    return {
        **{k: values.get(k) for k in services.FIELDS if k not in _FORM_FIELD},
        "occupation_code": occupation.pk if occupation is not None else "",
        "region_code": region.pk if region is not None else "",
    }


@admin.register(TrainingCourse)
class TrainingCourseAdmin(RegionScopedAdmin):
    list_display = (
        "title",
        "kind",
        "provider",
        "region",
        "start_date",
        "end_date",
        "seats",
        "subsidised",
        "withdrawn",
    )
    list_filter = ("kind", "subsidised", "withdrawn")
    search_fields = ("title", "provider")
    raw_id_fields = ("occupation",)
    readonly_fields = ("withdrawn", "created_by", "created_at")
    list_select_related = ("region", "occupation")
    actions = ["withdraw"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change, **kwargs)
        actor: Any = request.user

        class CheckedForm(base):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                try:
                    services.check_course(actor=actor, data=_data(cleaned))
                except DomainError as exc:
                    field = _FORM_FIELD.get(exc.field or "", exc.field or "")
                    if field in self.fields:
                        raise ValidationError({field: exc.message}) from exc
                    raise ValidationError(exc.message) from exc
                return cleaned

        return CheckedForm

    def save_model(self, request: HttpRequest, obj: TrainingCourse, form: Any, change: bool) -> None:
        actor: Any = request.user
        data = _data(form.cleaned_data)
        if change:
            services.update_course(actor=actor, course_id=obj.pk, data=data)
        else:
            obj.pk = services.create_course(actor=actor, data=data).pk

    @admin.action(description=gettext_lazy("撤下所选课程"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[TrainingCourse]) -> None:
        actor: Any = request.user
        for course in queryset:
            services.withdraw_course(actor=actor, course_id=course.pk)
        n = queryset.count()
        messages.success(request, ngettext("已撤下 %(n)d 个课程。", "已撤下 %(n)d 个课程。", n) % {"n": n})
