"""Plain data in and out of the policy engine: a person's facts, the entitlement ledger, parameter
values and the decisions with their cited reasons. No Django here (the engine runs in a request, a
batch job and a benchmark alike).

Every fact the rules read is a field of :class:`Person`, documented with its Chinese label in
``metadata`` (``label``, ``help``, ``kind``), so the Django side can build the form "我能享受哪些政策"
from :data:`FACTS` without repeating the list. Money is integer fen (分) everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any, Literal

# Region codes are 6-digit administrative division codes: 210000 Liaoning, 210100 Shenyang, 210102
# Heping district; "000000" is the national level. Inheritance goes by prefix (see jurisdiction_chain).
NATIONAL = "000000"

Sex = Literal["male", "female"]

# 原法定退休年龄类别: the category the 2024 NPCSC decision starts from (male 60, female cadre 55,
# female worker 50). Women who pay pension contributions as flexible workers are usually treated as 55
# by local rules; the platform asks staff or the person, it does not guess.
RETIREMENT_CATEGORIES: dict[str, str] = {
    "male_60": "男性（原法定退休年龄60周岁）",
    "female_cadre_55": "女干部（原法定退休年龄55周岁）",
    "female_worker_50": "女职工（原法定退休年龄50周岁）",
}

# Group codes. Where lingong/market/models.py Group has a code it is reused verbatim; the others are the
# groups the startup-loan documents name (财金〔2020〕21号 第一条, 青政办〔2021〕1号 第2条: "10类人员"),
# the startup-site groups (辽人社〔2022〕22号 第二条) and the hardship groups of Guangxi (十三).
GROUPS: dict[str, str] = {
    # market.Group codes
    "employment_difficulty": "就业困难人员",
    "recent_graduate": "离校2年内未就业高校毕业生",
    "migrant_worker": "农民工",
    "veteran": "退役军人",
    "disabled": "残疾人",
    "registered_unemployed": "城镇登记失业人员",
    "poverty_relieved": "脱贫人口（原建档立卡贫困人口）",
    # the ten groups of the startup guarantee loan, as 青政办〔2021〕1号 第2条 lists them (with the four
    # above: 退役军人, 就业困难人员, 城镇登记失业人员, 建档立卡贫困人口)
    "college_graduate": "高校毕业生（含大学生村官和留学回国大学生）",
    "overcapacity_worker": "化解过剩产能企业职工",
    "returning_migrant_entrepreneur": "返乡创业农民工",
    "rural_entrepreneur": "农村自主创业农民",
    "online_merchant": "网络商户",
    "released_prisoner": "刑满释放人员",
    # 辽人社〔2022〕22号 第二条
    "returned_overseas_student": "出国（境）留学回国人员",
    # 广西 (一)
    "laid_off": "下岗失业人员",
    # 广西 (十三): 特困、低保等困难群众
    "extreme_poverty": "特困人员",
    "subsistence_allowance": "低保对象",
}

# The ten groups of 青政办〔2021〕1号 第2条 (and 辽人社提〔2024〕5号 "十类重点就业群体"), in the
# document's order.
TEN_LOAN_GROUPS: tuple[str, ...] = (
    "college_graduate",
    "veteran",
    "employment_difficulty",
    "registered_unemployed",
    "overcapacity_worker",
    "poverty_relieved",
    "returning_migrant_entrepreneur",
    "rural_entrepreneur",
    "online_merchant",
    "released_prisoner",
)

BUSINESS_KINDS: dict[str, str] = {
    "individual": "个体工商户（个体经营）",
    "small_micro": "小微企业",
    "partnership": "合伙创业",
    "other": "其他",
}

TRAINING_KINDS: dict[str, str] = {
    "vocational": "职业技能培训",
    "startup": "创业培训",
}


def _fact(label: str, kind: str, help: str = "", choices: dict[str, str] | None = None) -> dict[str, Any]:
    return {"label": label, "kind": kind, "help": help, "choices": choices}


@dataclass(frozen=True, slots=True)
class Person:
    """What the platform knows or can ask about one person. Every field has a default, so a form can
    leave out what does not apply; a rule that needs a missing fact fails with that condition named."""

    birth_date: dt.date | None = field(default=None, metadata=_fact("出生日期", "date", "由身份证号码得出"))
    sex: Sex | None = field(
        default=None, metadata=_fact("性别", "choice", "由身份证号码得出", {"male": "男", "female": "女"})
    )
    retirement_category: str | None = field(
        default=None,
        metadata=_fact(
            "原法定退休年龄类别", "choice", "男60周岁、女干部55周岁、女职工50周岁", RETIREMENT_CATEGORIES
        ),
    )
    household_region: str | None = field(
        default=None, metadata=_fact("户籍所在地", "region", "6位行政区划代码")
    )
    residence_region: str | None = field(default=None, metadata=_fact("常住地", "region", "6位行政区划代码"))
    residence_permit_region: str | None = field(
        default=None, metadata=_fact("居住证所在地", "region", "持有居住证时填写")
    )
    groups: frozenset[str] = field(
        default_factory=frozenset, metadata=_fact("人员类别", "multichoice", "可多选", GROUPS)
    )
    graduation_date: dt.date | None = field(
        default=None, metadata=_fact("毕业（离校）日期", "date", "高校毕业生填写")
    )
    flexible_employment_registered_on: dt.date | None = field(
        default=None, metadata=_fact("灵活就业登记日期", "date")
    )
    flexible_employment_region: str | None = field(default=None, metadata=_fact("灵活就业登记地", "region"))
    part_time: bool = field(
        default=False, metadata=_fact("从事非全日制等灵活就业", "bool", "非全日制、临时性、个体经营等")
    )
    si_contribution_fen: int = field(
        default=0,
        metadata=_fact("当月实际缴纳社会保险费（分）", "fen", "本人实际缴纳的基本养老、医疗、失业保险费"),
    )
    pension_enrolled: bool = field(default=False, metadata=_fact("已参加企业职工基本养老保险", "bool"))
    pension_unpaid_months_2020: int = field(
        default=0, metadata=_fact("2020年未缴养老保险费月数", "int", "申请暂缓缴费的月数")
    )
    pension_unpaid_months_2022: int = field(
        default=0, metadata=_fact("2022年未缴养老保险费月数", "int", "申请暂缓缴费的月数")
    )
    business_kind: str | None = field(
        default=None, metadata=_fact("经营主体类型", "choice", "", BUSINESS_KINDS)
    )
    business_registered_on: dt.date | None = field(default=None, metadata=_fact("营业执照登记日期", "date"))
    business_region: str | None = field(default=None, metadata=_fact("经营主体注册地", "region"))
    business_operating_normally: bool = field(
        default=False, metadata=_fact("正常经营", "bool", "按期年报、未被列入经营异常名录")
    )
    business_subsidised_before_family: bool = field(
        default=False,
        metadata=_fact(
            "同一经营场所同一项目已由家庭成员享受过创业补贴",
            "bool",
            "法人变更为家庭其他成员前已享受创业补贴",
        ),
    )
    training_kind: str | None = field(
        default=None, metadata=_fact("已完成的培训类型", "choice", "", TRAINING_KINDS)
    )
    training_completed_on: dt.date | None = field(default=None, metadata=_fact("培训结业日期", "date"))
    training_certificate: bool = field(
        default=False,
        metadata=_fact("取得证书", "bool", "职业资格证书、职业技能等级证书、专项能力证书或培训合格证书"),
    )
    training_days: int = field(default=0, metadata=_fact("培训天数", "int"))
    public_welfare_post_part_time: bool = field(
        default=False, metadata=_fact("在非全日制城镇公益性岗位工作", "bool")
    )
    public_welfare_post_hours: int = field(default=0, metadata=_fact("公益性岗位当月实际工作小时数", "int"))
    loan_amount_fen: int = field(default=0, metadata=_fact("申请创业担保贷款金额（分）", "fen"))
    loan_term_months: int = field(default=0, metadata=_fact("贷款期限（月）", "int"))
    loan_rate_bp: int = field(
        default=0, metadata=_fact("贷款实际年利率（基点）", "int", "1基点=0.01%，如3.45%填345")
    )
    has_other_business_loans: bool = field(
        default=False,
        metadata=_fact("有其他未还清的经营性贷款", "bool", "助学、扶贫、住房、车辆、消费贷款除外"),
    )
    part_time_employers: int = field(default=0, metadata=_fact("同时就业的非全日制用人单位数", "int"))
    major_hardship: bool = field(default=False, metadata=_fact("有重大生活困难", "bool", "经民政部门认定"))

    def with_changes(self, **changes: Any) -> Person:
        from dataclasses import replace

        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class FactInfo:
    name: str
    label: str
    kind: str  # date, choice, multichoice, region, bool, int, fen
    help: str
    choices: dict[str, str] | None


FACTS: tuple[FactInfo, ...] = tuple(
    FactInfo(f.name, f.metadata["label"], f.metadata["kind"], f.metadata["help"], f.metadata["choices"])
    for f in fields(Person)
)

# Benefit keys of the ledger. A cap ("at most 36 months", "once only") is counted over every entry with
# the same benefit key, whatever region or application wrote it.
BENEFITS: dict[str, str] = {
    "social_insurance_subsidy": "社会保险补贴",
    "startup_site_subsidy": "创业场地补贴",
    "startup_subsidy": "一次性创业补贴",
    "startup_guarantee_loan": "创业担保贷款",
    "public_welfare_post_subsidy": "公益性岗位补贴",
    "training_subsidy": "职业培训补贴",
    "training_living_allowance": "培训期间生活费补贴",
    "temporary_assistance": "临时救助",
}


# Decision.amount_unit → how the page says it
AMOUNT_UNITS: dict[str, str] = {
    "month": "每月",
    "once": "一次性",
    "total": "合计",
    "year_max": "本年度最高",
}


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One thing already granted: months of a subsidy paid, a one-off grant, a loan.

    ``months`` counts subsidy months (0 for a one-off grant); ``granted_on`` is the approval date (the
    first approval of the social-insurance subsidy fixes the "less than 5 years to retirement" test,
    财社〔2017〕164号). A loan is outstanding until ``repaid_on``."""

    benefit: str
    granted_on: dt.date
    region: str = NATIONAL
    policy: str = ""
    months: int = 0
    amount_fen: int = 0
    period_start: dt.date | None = None
    principal_fen: int = 0
    term_months: int = 0
    repaid_on: dt.date | None = None
    # For the social-insurance subsidy: the group under which it was granted (recent_graduate or
    # employment_difficulty), since the caps differ.
    basis: str = ""


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One dated value of a parameter in one jurisdiction. A change is a new value with a later
    ``effective`` (or ``published``) date; old values stay, so decisions can be replayed."""

    key: str
    jurisdiction: str
    effective: dt.date
    value: Any
    reference: str
    published: dt.date | None = None  # None: same as effective
    note: str = ""
    source: str = "yaml"  # yaml (shipped) or the caller's tag, e.g. "db:42"

    @property
    def published_on(self) -> dt.date:
        return self.published or self.effective


@dataclass(frozen=True, slots=True)
class ParameterInfo:
    """A parameter's description as declared in YAML (the first jurisdiction that declares it)."""

    key: str
    description: str
    unit: str  # fen, months, ratio, bool, date, groups, years, bp, regions, text, list
    declared_in: str
    overridable_by: tuple[str, ...] = ()  # "city", "county": lower levels allowed to set their own value
    city_default_note: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """One legal condition, named and cited, with the result for this person."""

    name: str
    label: str
    reference: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer for one person and one policy.

    ``amount_fen`` is per ``amount_unit`` (month, once, hour-based month, year, total); ``months`` the
    number of months still grantable (None when the policy has no duration). ``eligible_from`` is set
    when only time is missing (a business one month short of a year of operation)."""

    policy: str
    title: str
    jurisdiction: str
    reference: str
    eligible: bool
    amount_fen: int | None
    amount_unit: str | None
    months: int | None
    reasons: tuple[Condition, ...]
    failed: tuple[Condition, ...]
    eligible_from: dt.date | None
    parameters: tuple[ParameterValue, ...]
    notes: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def cond(c: Condition) -> dict[str, Any]:
            return {
                "name": c.name,
                "label": c.label,
                "reference": c.reference,
                "passed": c.passed,
                "detail": c.detail,
            }

        return {
            "policy": self.policy,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "reference": self.reference,
            "eligible": self.eligible,
            "amount_fen": self.amount_fen,
            "amount_unit": self.amount_unit,
            "months": self.months,
            "reasons": [cond(c) for c in self.reasons],
            "failed": [cond(c) for c in self.failed],
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "parameters": [
                {
                    "key": p.key,
                    "jurisdiction": p.jurisdiction,
                    "effective": p.effective.isoformat(),
                    "published": p.published_on.isoformat(),
                    "value": _jsonable(p.value),
                    "reference": p.reference,
                    "note": p.note,
                }
                for p in self.parameters
            ],
            "notes": list(self.notes),
            "options": {k: _jsonable(v) for k, v in self.options.items()},
        }


def jsonable(value: Any) -> Any:
    """A parameter value as JSON: fractions as "2/3", dates as ISO strings, tuples as lists."""
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, frozenset, set)):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    key: str
    title: str
    jurisdiction: str
    reference: str
    effective_from: dt.date
    effective_to: dt.date | None
    summary: str
    benefit: str | None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per-policy arrays over the persons of a batch, aligned with the input order.

    ``eligible`` bool, ``amount_fen`` int64, ``months`` int32 (-1 where not applicable), ``applies``
    bool (the policy is one of the person's region), ``eligible_from`` int64 days since 1970-01-01 or -1.
    """

    policies: tuple[str, ...]
    eligible: dict[str, Any]
    amount_fen: dict[str, Any]
    months: dict[str, Any]
    applies: dict[str, Any]
    eligible_from: dict[str, Any]
    failed_first: dict[str, Any] = field(default_factory=dict)  # index into condition names, -1 if none
    condition_names: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class YamlTestResult:
    file: str
    name: str
    passed: bool
    messages: tuple[str, ...] = ()
