"""Rules shared by several provinces, parameterised by the province's own values and clause.

The social-insurance subsidy is one rule for Liaoning (十一), Qinghai (7) and Guangxi (二): the groups,
caps and shares are parameters resolved in the person's region, so each province (and each city where
delegated) gets its own figures and citations from the same code.
"""

from __future__ import annotations

import numpy as np

from ..columns import BUSINESS_CODES, GROUP_BITS
from ..dates import (
    MISSING_DAY,
    add_months_array,
    day_number,
    from_day_number,
    retirement_month_index_array,
    split_days,
)
from ..rules import BoolArray, Ctx, IntArray, Outcome
from ..types import GROUPS

RETIREMENT_REF = "全国人大常委会关于实施渐进式延迟法定退休年龄的决定（2024-09-13）及附件"


def fmt_day(day: int) -> str:
    d = from_day_number(day)
    return d.isoformat() if d else "未填写"


def reform_on(ctx: Ctx, day: IntArray) -> BoolArray:
    """Whether the 2024 decision is in force on each day (as published by ``published_by``)."""
    start = ctx.value("retirement.gradual_increase_from")
    if start is None:
        return np.zeros(day.shape, dtype=np.bool_)
    return day >= day_number(start)


def _retirement_under(ctx: Ctx, reform: bool) -> IntArray:
    cols = ctx.cols
    return cols.derived(
        ("retirement_idx", reform),
        lambda: retirement_month_index_array(cols["retirement_category"], cols.birth_parts()[3], reform),
    )


def retirement_idx(ctx: Ctx, on_day: IntArray | int) -> IntArray:
    """Retirement month index per person under the law in force on ``on_day``."""
    reform = reform_on(ctx, np.asarray(on_day))
    if reform.all():
        return _retirement_under(ctx, True)
    if not reform.any():
        return _retirement_under(ctx, False)
    return np.where(reform, _retirement_under(ctx, True), _retirement_under(ctx, False))


def shifted(ctx: Ctx, column: str, months: IntArray | int) -> IntArray:
    """``column`` (day numbers) plus ``months`` calendar months, computed once per batch."""
    if np.ndim(months) == 0:
        m = int(months)
        return ctx.cols.derived(("add_months", column, m), lambda: add_months_array(ctx.cols[column], m))
    return add_months_array(ctx.cols[column], months)


def month_idx_of(ctx: Ctx, column: str) -> IntArray:
    return ctx.cols.derived(("month_idx", column), lambda: split_days(ctx.cols[column])[3])


def as_of_month(ctx: Ctx) -> int:
    return ctx.as_of.year * 12 + ctx.as_of.month - 1


def has_birth(ctx: Ctx) -> BoolArray:
    return ctx.cols["birth_day"] > MISSING_DAY


def check_below_retirement(ctx: Ctx, reference: str) -> tuple[BoolArray, IntArray]:
    """Has not reached the statutory retirement age (law in force on the evaluation date)."""
    known = has_birth(ctx) & (ctx.cols["retirement_category"] > 0)
    r_idx = retirement_idx(ctx, ctx.as_of_day)
    ok = known & (as_of_month(ctx) < r_idx)

    def detail() -> str:
        if not ctx.v(known):
            return "缺少出生日期或原法定退休年龄类别"
        idx = int(r_idx[0])
        return f"法定退休时间 {idx // 12}年{idx % 12 + 1}月（{RETIREMENT_REF}）"

    ctx.check("below_retirement_age", "未达到法定退休年龄", reference, ok, detail)
    return ok, r_idx


def age_at_least(ctx: Ctx, years: int, reference: str) -> BoolArray:
    y, m, d, _ = ctx.cols.birth_parts()
    ay, am, ad = ctx.as_of.year, ctx.as_of.month, ctx.as_of.day
    age = ay - y - ((am < m) | ((am == m) & (ad < d)))
    ok = has_birth(ctx) & (age >= years)
    birthday = shifted(ctx, "birth_day", 12 * years)
    ctx.check(
        f"age_{years}",
        f"年满{years}周岁",
        reference,
        ok,
        lambda: f"出生日期 {fmt_day(ctx.v(ctx.cols['birth_day']))}",
        passes_on=np.where(has_birth(ctx), birthday, MISSING_DAY),
    )
    return ok


def group_label(ctx: Ctx, key: str) -> str:
    """The Chinese names of a groups parameter for this person's region (scalar answers only)."""
    if not ctx.scalar:
        return ""
    pv = ctx.resolved(key)
    return "、".join(GROUPS[g] for g in (pv.value if pv else ()))


def registered_here(ctx: Ctx, reference: str) -> BoolArray:
    fe = ctx.cols["fe_registered_day"]
    ok = (fe > MISSING_DAY) & (fe <= ctx.as_of_day) & ctx.in_jurisdiction(ctx.cols["fe_region"])
    ctx.check(
        "flexible_employment_registered",
        "已在本省（区）办理灵活就业登记",
        reference,
        ok,
        lambda: f"灵活就业登记日期 {fmt_day(ctx.v(fe))}，登记地 {ctx.v(ctx.cols['fe_region']) or '未填写'}",
        passes_on=np.where(
            (fe > ctx.as_of_day) & ctx.in_jurisdiction(ctx.cols["fe_region"]), fe, MISSING_DAY
        ),
    )
    return ok


def social_insurance_subsidy(ctx: Ctx, reference: str) -> Outcome:
    """社会保险补贴: at most a share (2/3) of contributions actually paid, for the province's groups,
    within caps counted over the whole ledger (all regions, all years):

    - employment-difficulty persons at most 36 months, or until retirement when less than 5 years remain,
      judged at the person's age when the subsidy is first approved (财社〔2017〕164号);
    - recent graduates (within 2 years of leaving school, judged at first approval) at most 24 months,
      plus the city's extension (at most 6 months) when still flexibly employed;
    - veterans (Qinghai 7) at the province's cap.
    """
    c = ctx.cols
    p = "social_insurance_subsidy."
    allowed = ctx.groups_param(p + "groups")
    first = c["led_si_first_day"]
    ref_day = np.where(first > MISSING_DAY, first, ctx.as_of_day)

    is_diff = ctx.has_group("employment_difficulty") & ((allowed & _bit("employment_difficulty")) != 0)
    grad_day = c["graduation_day"]
    window = ctx.param(p + "graduate_window_years")
    grad_end = shifted(ctx, "graduation_day", 12 * window)
    is_grad = (
        ctx.has_group("recent_graduate")
        & ((allowed & _bit("recent_graduate")) != 0)
        & (grad_day > MISSING_DAY)
        & (grad_day <= ref_day)
        & (ref_day < grad_end)
    )
    is_vet = ctx.has_group("veteran") & ((allowed & _bit("veteran")) != 0)

    def group_detail() -> str:
        text = f"本地补贴对象：{group_label(ctx, p + 'groups')}"
        if ctx.v(ctx.has_group("recent_graduate")) and not ctx.v(is_grad):
            text += (
                f"；毕业日期 {fmt_day(ctx.v(grad_day))}，首次核定（或本次）日期 {fmt_day(ctx.v(ref_day))}，"
                f"须在离校{ctx.v(window)}年内"
            )
        return text

    target = ctx.check(
        "target_group", "属于社会保险补贴对象", reference, is_diff | is_grad | is_vet, group_detail
    )
    registered_here(ctx, reference)
    paid = c["si_contribution_fen"]
    ctx.check(
        "contributions_paid",
        "本人已实际缴纳社会保险费",
        reference,
        paid > 0,
        lambda: f"当月实际缴费 {ctx.v(paid) / 100:.2f}元",
    )
    below, r_now = check_below_retirement(ctx, reference)

    used = c["led_si_months"].astype(np.int64)
    now_idx = as_of_month(ctx)
    to_retire = np.maximum(r_now - now_idx, 0)
    first_idx = np.where(first > MISSING_DAY, month_idx_of(ctx, "led_si_first_day"), now_idx)
    r_first = retirement_idx(ctx, ref_day)
    close = (r_first - first_idx) < 12 * ctx.param(p + "retirement_extension_years")
    diff_cap = np.where(close, np.maximum(r_now - first_idx, 0), ctx.param(p + "difficulty_max_months"))
    ext = np.minimum(
        ctx.param(p + "graduate_extension_months", note_default=False),
        ctx.param(p + "graduate_extension_cap_months"),
    )
    grad_cap = ctx.param(p + "graduate_max_months") + ext
    vet_cap = ctx.param(p + "veteran_max_months")
    remaining = np.zeros(c.n, dtype=np.int64)
    remaining = np.where(is_diff, np.maximum(remaining, diff_cap - used), remaining)
    remaining = np.where(is_grad, np.maximum(remaining, grad_cap - used), remaining)
    remaining = np.where(is_vet, np.maximum(remaining, vet_cap - used), remaining)
    remaining = np.clip(np.minimum(remaining, to_retire), 0, None)

    def months_detail() -> str:
        text = f"已享受 {ctx.v(used)} 个月，尚可享受 {ctx.v(remaining)} 个月"
        if ctx.v(is_diff) and ctx.v(close):
            text += "（首次核定时距法定退休年龄不足5年，可延长至退休）"
        return text

    # only meaningful for a person of the groups who has not retired (else those checks say why)
    ctx.check(
        "months_remaining", "补贴期限未用完", reference, (remaining > 0) | ~target | ~below, months_detail
    )
    num, den = ctx.ratio(p + "max_share")
    amount = paid * num // den
    out = Outcome(amount_fen=amount, amount_unit="month", months=remaining)
    if ctx.scalar and ctx.v(is_grad):
        ctx.note_default(p + "graduate_extension_months")
    if ctx.scalar and ctx.v(is_grad) and ctx.v(ext) > 0:
        out.notes.append(f"含本市规定的高校毕业生期满后延长享受 {ctx.v(ext)} 个月（仍从事灵活就业的）")
    return out


def _bit(code: str) -> int:
    return GROUP_BITS[code]


def business_is(ctx: Ctx, *kinds: str) -> BoolArray:
    out = np.zeros(ctx.cols.n, dtype=np.bool_)
    for kind in kinds:
        out |= ctx.cols["business_kind"] == BUSINESS_CODES[kind]
    return out


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}元"
