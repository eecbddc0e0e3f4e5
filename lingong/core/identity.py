"""Real-name identity numbers: resident ID numbers, unified social credit codes, mobile phones.

Each kind of invalid number gets its own Chinese message and stable code, in the order a person
at a service window would check them: shape, birth date, region, check digit.
Registration on a written commitment (辽人社〔2022〕22号 第十五条) still needs a valid identity.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from lingong.core.errors import DomainError

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdentity(DomainError):
    pass


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    region_code: str
    sex: str  # "M" or "F": the 17th digit, odd for men

    @property
    def age_on(self) -> int:  # pragma: no cover - convenience for templates
        return age_on(self.birth_date, dt.date.today())


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def _known_region(code: str) -> bool:
    # stdnum's table carries current and historical county codes; an ID keeps the code it was
    # issued with, so a code abolished since is still a real one. Its own year check is stricter
    # than reality (codes were assigned in the 1980s to people born long before), so we skip it.
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if info.get("county"):
        return True
    from lingong.core.models import Division  # local: identity must import without the ORM ready

    return Division.objects.filter(code=code).exists()


def validate_resident_id(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate an 18-digit resident ID number (GB 11643-1999) or raise ``InvalidIdentity``."""
    number = normalize_id_number(value)
    if not number:
        raise InvalidIdentity("id_number_required", _("请填写身份证号码。"), field="id_number")
    if not _ID_SHAPE.match(number):
        raise InvalidIdentity(
            "id_number_format",
            _("身份证号码应为18位：前17位是数字，最后一位是数字或字母X。"),
            field="id_number",
        )
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        birth = None
    today = today or dt.date.today()
    if birth is None or birth > today or birth.year < 1900:
        raise InvalidIdentity(
            "id_number_birth_date",
            _("身份证号码中的出生日期（第7至14位：%(digits)s）不是一个真实的日期。")
            % {"digits": number[6:14]},
            field="id_number",
        )
    if not _known_region(number[:6]):
        raise InvalidIdentity(
            "id_number_region",
            _("身份证号码的前6位地区代码 %(code)s 不是已知的行政区划代码。") % {"code": number[:6]},
            field="id_number",
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise InvalidIdentity(
            "id_number_check_digit",
            _("身份证号码最后一位校验码不正确，请逐位核对后重新输入。"),
            field="id_number",
        )
    return ResidentId(
        number=number,
        birth_date=birth,
        region_code=number[:6],
        sex="M" if int(number[16]) % 2 else "F",
    )


def validate_credit_code(value: str) -> str:
    """Validate an 18-character unified social credit code (GB 32100-2015)."""
    code = re.sub(r"\s+", "", value or "").upper()
    if not code:
        raise InvalidIdentity("credit_code_required", _("请填写统一社会信用代码。"), field="credit_code")
    if len(code) != 18 or not re.match(r"^[0-9A-HJ-NPQRTUWXY]{18}$", code):
        raise InvalidIdentity(
            "credit_code_format",
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。"),
            field="credit_code",
        )
    if code[-1] != uscc.calc_check_digit(code[:-1]):
        raise InvalidIdentity(
            "credit_code_check_digit",
            _("统一社会信用代码最后一位校验码不正确，请核对营业执照。"),
            field="credit_code",
        )
    try:
        uscc.validate(code)
    except ValidationError as exc:
        raise InvalidIdentity(
            "credit_code_invalid",
            _("统一社会信用代码中的登记机关或机构类别代码无效。"),
            field="credit_code",
        ) from exc
    return code


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_phone(value: str) -> str:
    phone = normalize_phone(value)
    if not phone:
        raise InvalidIdentity("phone_required", _("请填写手机号码。"), field="phone")
    if not _PHONE.match(phone):
        raise InvalidIdentity("phone_format", _("手机号码应为以1开头的11位数字。"), field="phone")
    return phone


def mask_id_number(value: str) -> str:
    """``210102199001011234`` → ``210102********1234``: the region and last four stay readable."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (province, city, district), hide the street and number."""
    if not value:
        return ""
    keep = min(6, max(1, len(value) // 3))
    return value[:keep] + "****"


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value
