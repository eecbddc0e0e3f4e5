"""Birth date and sex from an 18-digit resident ID number (GB 11643): digits 7-14 are the birth date,
digit 17 is odd for men. Validation (checksum, known region) is the platform's job
(``lingong.core.identity``); the engine only reads what the number says."""

from __future__ import annotations

import datetime as dt

from .errors import PolicyEngineError


def facts_from_id_number(id_number: str) -> dict[str, object]:
    value = id_number.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        raise PolicyEngineError("bad_id_number", "身份证号码应为18位")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise PolicyEngineError("bad_id_number", "身份证号码中的出生日期无效") from exc
    return {"birth_date": birth, "sex": "male" if int(value[16]) % 2 else "female"}
