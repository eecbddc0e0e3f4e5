"""Build ``lingong/core/data/divisions.csv`` from cpca's ``adcodes.csv``.

Usage: ``python scripts/build_divisions.py path/to/cpca/resources/adcodes.csv [out.csv]``

cpca (https://github.com/DQinYuan/chinese_province_city_area_mapper, MIT licence, © 2018 QinYuan Du)
lists 12-digit codes with coordinates. We keep province, city and county levels as 6-digit codes and:

- drop grouping rows (市辖区, 县, 省直辖县级行政区划 …) and attach their children to the nearest real
  ancestor, so Beijing's districts hang under 110000 and 仙桃市 (429004) under 湖北省;
- drop the few counties abolished before cpca's data was taken but still listed there without
  coordinates (an old ID number keeps its code; ``core.identity`` checks those against stdnum);
- give every province and city coordinates: cpca's own, else the mean of its children's.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Listed by cpca without coordinates, abolished years ago: 邯郸县 (2016, into 邯山区 and others),
# 江东区 of Ningbo (2016, into 鄞州区), 金明区 of Kaifeng (2014, into 龙亭区).
ABOLISHED = {"130421", "330204", "410211"}
HEADER = ["code", "name", "level", "parent", "full_name", "longitude", "latitude"]


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def build(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    raw = {r["adcode"][:6]: r for r in rows if r["adcode"].endswith("000000")}
    keep = {
        code: r for code, r in raw.items() if r["name"] not in PLACEHOLDER_NAMES and code not in ABOLISHED
    }

    def parent_of(code: str) -> str | None:
        for candidate in (code[:4] + "00", code[:2] + "0000"):
            if candidate != code and candidate in keep and _level(candidate) != _level(code):
                return candidate
        return None

    out: dict[str, dict[str, str]] = {}
    for code in sorted(keep):
        r = keep[code]
        parent = parent_of(code) if _level(code) != "province" else None
        if _level(code) != "province" and parent is None:
            raise SystemExit(f"{code} {r['name']}: no parent found")
        full = (out[parent]["full_name"] if parent else "") + r["name"]
        out[code] = {
            "code": code,
            "name": r["name"],
            "level": _level(code),
            "parent": parent or "",
            "full_name": full,
            "longitude": r["longitude"],
            "latitude": r["latitude"],
        }

    # Cities first, then provinces, so a province can take the mean of cities just filled in.
    for level in ("city", "province"):
        for d in out.values():
            if d["level"] != level or d["longitude"]:
                continue
            kids = [k for k in out.values() if k["parent"] == d["code"] and k["longitude"]]
            if not kids:
                raise SystemExit(f"{d['code']} {d['name']}: no coordinates and no children with them")
            d["longitude"] = f"{sum(float(k['longitude']) for k in kids) / len(kids):.6f}"
            d["latitude"] = f"{sum(float(k['latitude']) for k in kids) / len(kids):.6f}"
    return [out[c] for c in sorted(out)]


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__)
    source = Path(argv[1])
    default = Path(__file__).resolve().parent.parent / "lingong" / "core" / "data" / "divisions.csv"
    target = Path(argv[2]) if len(argv) == 3 else default
    with source.open(encoding="utf-8") as f:
        result = build(list(csv.DictReader(f)))
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(result)
    counts = {lv: sum(1 for d in result if d["level"] == lv) for lv in ("province", "city", "county")}
    print(f"{target}: {len(result)} divisions {counts}")


if __name__ == "__main__":
    main(sys.argv)
