"""People in and out of Excel: batch registration of workers at the service window (001 十五) and
lists for staff, masked unless the exporter holds the personal-data permission (003 二).

The import is all or nothing (see ``lingong.core.excel``). Each person is registered through
``services.register_user``, so the same checks and the same audit entry apply as at the window,
and the whole batch gets one more audit entry naming the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts import services
from lingong.accounts.models import Role, User
from lingong.accounts.services import PERSONAL_FIELDS
from lingong.core import audit
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.excel import ROW, Column, RowError, cell_text, id_number_cell, region_code_cell
from lingong.core.fields import lookup_value
from lingong.core.identity import (
    mask_address,
    mask_id_number,
    mask_phone,
    validate_phone,
)
from lingong.core.models import AuditEntry, Division
from lingong.core.scope import region_prefix

_CHUNK = 500  # values per IN (...) query: well under every database's parameter limit


def _name(value: Any) -> str:
    name = cell_text(value)
    if len(name) > 50:
        raise ValueError(_("姓名过长（最多50个字）。"))
    return name


def _phone(value: Any) -> str:
    return validate_phone(cell_text(value))


def _address(value: Any) -> str:
    address = cell_text(value)
    if len(address) > 200:
        raise ValueError(_("居住地址过长（最多200个字）。"))
    return address


PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "display_name", parse=_name, note="与身份证一致"),
    Column("身份证号码", "id_number", parse=id_number_cell, text=True, note="18位；请保持本列为“文本”格式"),
    Column("手机号码", "phone", parse=_phone, text=True, note="11位手机号码，用于登录；每人一个，不能重复"),
    Column("居住地址", "address", required=False, parse=_address, note="选填"),
    Column(
        "所属区划代码",
        "region_code",
        required=False,
        parse=region_code_cell,
        text=True,
        note="登记所在县（市、区）的6位代码，如 210102；不填则为导入时指定的区划（须为县级）",
    ),
)

EXPORT_HEADERS = (
    *(c.header for c in PEOPLE_COLUMNS),
    "所属区划",
    "性别",
    "出生日期",
    "已实名",
    "注册时间",
)


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _taken(field: str, values: Iterable[str], **filters: Any) -> set[str]:
    """Which clear ``values`` of an encrypted ``field`` are already registered (by blind index)."""
    by_index = {lookup_value(User, field, v): v for v in values}
    found: set[str] = set()
    index_field = f"{field}_index"
    for chunk in _chunks(list(by_index)):
        qs = User.objects.filter(**{f"{index_field}__in": chunk}, **filters)
        found.update(by_index[i] for i in qs.values_list(index_field, flat=True))
    return found


def check_people(rows: list[dict[str, Any]], *, region: Division) -> list[RowError]:
    """Errors across rows: duplicates in the file, people already registered, regions that do
    not exist, are not counties, or lie outside ``region``. Sets each row's ``region_code``."""
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        for key, header in (("phone", "手机号码"), ("id_number", "身份证号码")):
            earlier = first_seen.setdefault((key, row[key]), row[ROW])
            if earlier != row[ROW]:
                errors.append(RowError(row[ROW], header, _("与第%(row)d行重复。") % {"row": earlier}))

    phones = _taken("phone", {r["phone"] for r in rows})
    ids = _taken("id_number", {r["id_number"] for r in rows}, role=Role.WORKER)
    codes = sorted({r["region_code"] for r in rows if r["region_code"]})
    divisions = {d.code: d for chunk in _chunks(codes) for d in Division.objects.filter(code__in=chunk)}
    for row in rows:
        if row["phone"] in phones:
            errors.append(RowError(row[ROW], "手机号码", _("该手机号码已注册。")))
        if row["id_number"] in ids:
            errors.append(RowError(row[ROW], "身份证号码", _("该身份证号码已登记为灵活就业人员。")))
        code = row["region_code"] or region.code
        division = divisions.get(code) if row["region_code"] else region
        if division is None:
            errors.append(
                RowError(row[ROW], "所属区划代码", _("区划代码 %(code)s 不存在。") % {"code": code})
            )
        elif not region.contains(code):
            errors.append(
                RowError(
                    row[ROW],
                    "所属区划代码",
                    _("%(name)s 不在本次导入的区划 %(region)s 内。") % {"name": division, "region": region},
                )
            )
        elif division.level != Division.Level.COUNTY:
            # People are registered in a county: a city-level record would be invisible to the
            # county staff who serve them (scope is by code prefix).
            errors.append(
                RowError(
                    row[ROW],
                    "所属区划代码",
                    _("请填写县级（县、市、区）区划代码，%(name)s 不是县级。") % {"name": division},
                )
            )
        row["region_code"] = code
    return errors


def save_people(rows: list[dict[str, Any]], *, actor: User | None, region: Division, source: str) -> int:
    """Register every row as a worker; called inside the import's transaction."""
    for row in rows:
        try:
            services.register_user(
                actor=actor,
                role=Role.WORKER,
                display_name=row["display_name"],
                phone=row["phone"],
                id_number=row["id_number"],
                address=row["address"] or "",
                region_code=row["region_code"],
            )
        except DomainError as exc:
            raise DomainError(exc.code, exc.message, field=exc.field, row=row[ROW]) from exc
    audit.record(
        actor=actor,
        action=AuditEntry.Action.IMPORT,
        object_type="accounts.user",
        region_code=region.code,
        fields=PERSONAL_FIELDS,
        note=f"批量登记灵活就业人员 {len(rows)} 人：{source}"[:255],
    )
    return len(rows)


def staff_actor(phone: str, *, permission: str) -> User:
    """The staff (or administrator) account given by phone, holding ``permission``."""
    user = User.objects.filter_phone(phone).select_related("region").first()
    if user is None or not user.is_active:
        raise PermissionDenied(
            "actor_unknown", _("找不到手机号码为 %(phone)s 的在用账号。") % {"phone": phone}
        )
    if not (user.is_superuser or user.role in (Role.STAFF, Role.ADMIN)):
        raise PermissionDenied("staff_only", _("%(user)s 不是公共就业服务工作人员账号。") % {"user": user})
    if not user.has_perm(permission):
        raise PermissionDenied("permission_denied", _("%(user)s 没有这项操作的权限。") % {"user": user})
    return user


def check_actor_region(actor: User | None, region: Division) -> None:
    """Staff import and export only inside their own region."""
    if actor is None:
        return
    prefix = region_prefix(actor)
    if prefix is not None and not region.code.startswith(prefix):
        raise PermissionDenied(
            "region_out_of_scope",
            _("%(region)s 不在 %(user)s 的辖区内。") % {"region": region, "user": actor},
        )


def export_rows(people: models.QuerySet[User], *, full: bool) -> Iterator[list[Any]]:
    """One row per person in ``EXPORT_HEADERS`` order; personal data masked unless ``full``."""
    id_number, phone, address = (str, str, str) if full else (mask_id_number, mask_phone, mask_address)
    for person in people.select_related("region").iterator(chunk_size=2000):
        yield [
            person.display_name,
            id_number(person.id_number),
            phone(person.phone),
            address(person.address),
            person.region_id or "",
            str(person.region) if person.region else "",
            person.get_sex_display() if person.sex else "",
            person.birth_date.isoformat() if person.birth_date else "",
            "是" if person.real_name_verified else "否",
            timezone.localtime(person.date_joined).strftime("%Y-%m-%d %H:%M"),
        ]


def record_full_export(*, actor: User, count: int, region_code: str, target: str) -> None:
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        object_type="accounts.user",
        region_code=region_code,
        fields=PERSONAL_FIELDS,
        note=f"导出 {count} 人的完整个人信息：{target}"[:255],
    )
