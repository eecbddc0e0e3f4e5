"""`lingong policy evaluate --region CODE --as-of DATE person.json` and `lingong policy test [paths]`.

``evaluate`` prints the same JSON as ``POST /api/v1/policy/evaluate``: the file holds the person's
facts (``{"birth_date": "1990-05-01", ...}``) or the API's whole request body (``{"facts": {...},
"ledger": [...]}``); ``-`` reads standard input. ``test`` runs the policies' YAML tests (OpenFisca's
format; the shipped ones when no path is given) and fails when any case fails.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lingong.core.errors import DomainError
from lingong.policy import decisions, engine, facts


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "政策计算：evaluate（按个人情况计算本地区每项政策，输出JSON）、test（运行政策的YAML测试）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="按个人情况计算本地区每项政策")
        evaluate.add_argument("person", help="个人情况JSON文件（- 为标准输入）")
        evaluate.add_argument("--region", required=True, help="6位行政区划代码")
        evaluate.add_argument("--as-of", dest="as_of", help="计算日期，默认今天")
        evaluate.add_argument("--published-by", dest="published_by", help="按该日已公布的参数回放")
        test = sub.add_parser("test", help="运行YAML测试")
        test.add_argument("paths", nargs="*", help="YAML文件或目录；默认运行随引擎发布的全部测试")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "evaluate":
            self._evaluate(options)
        else:
            self._test(options)

    def _evaluate(self, options: dict[str, Any]) -> None:
        source = options["person"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取个人情况JSON：{exc}") from exc
        if not isinstance(data, dict):
            raise CommandError("个人情况JSON应为对象。")
        body = data if "facts" in data else {"facts": data}
        try:
            result = decisions.evaluate_data(
                facts.person_from_data(body.get("facts") or {}),
                region=options["region"],
                as_of=_date(options["as_of"]) if options["as_of"] else timezone.localdate(),
                ledger=facts.ledger_from_data(body.get("ledger") or []),
                published_by=_date(options["published_by"]) if options["published_by"] else None,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _test(self, options: dict[str, Any]) -> None:
        paths = options["paths"] or None
        for path in paths or ():
            if not Path(path).exists():
                raise CommandError(f"找不到：{path}")
        results = engine.run_yaml_tests(paths)
        failed = [r for r in results if not r.passed]
        for r in failed:
            self.stdout.write(f"✘ {r.file} · {r.name}")
            for message in r.messages:
                self.stdout.write(f"    {message}")
        self.stdout.write(
            f"YAML测试：{len(results) - len(failed)} 通过，{len(failed)} 失败（共 {len(results)} 例）"
        )
        if failed:
            raise CommandError(f"{len(failed)} 例YAML测试失败")
