"""Qinghai: 青政办〔2021〕1号 (issued 2021-01-06, in force 2021-02-05) 2 5 7 19."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..dates import MISSING_DAY
from ..rules import Ctx, Outcome, policy
from .common import business_is, fmt_day, group_label, shifted, social_insurance_subsidy, yuan
from .loans import guarantee_loan, interest_subsidy_lpr

DOC = "青政办〔2021〕1号"
IN_FORCE = dt.date(2021, 2, 5)
QH = "630000"


@policy(
    "qinghai.startup_guarantee_loan",
    title="创业担保贷款",
    jurisdiction=QH,
    reference=f"{DOC} 第2条",
    effective_from=IN_FORCE,
    summary="十类人员自主创业的，按规定给予最高不超过20万元、期限最长不超过3年的创业担保贷款",
    benefit="startup_guarantee_loan",
)
def qinghai_startup_loan(ctx: Ctx) -> Outcome:
    return guarantee_loan(ctx, f"{DOC} 第2条；财金〔2020〕21号")


@policy(
    "qinghai.startup_loan_interest_subsidy",
    title="创业担保贷款财政贴息",
    jurisdiction=QH,
    reference=f"{DOC} 第2条",
    effective_from=IN_FORCE,
    summary="十类人员的创业担保贷款按规定给予财政贴息",
)
def qinghai_interest_subsidy(ctx: Ctx) -> Outcome:
    return interest_subsidy_lpr(ctx, f"{DOC} 第2条；财金〔2020〕21号")


@policy(
    "qinghai.startup_subsidy",
    title="一次性创业补贴",
    jurisdiction=QH,
    reference=f"{DOC} 第5条",
    effective_from=IN_FORCE,
    summary="就业困难人员、离校2年内未就业高校毕业生、退役军人和三江源地区城镇登记失业人员创业正常经营1年以上的，给予1万元一次性创业补贴",
    benefit="startup_subsidy",
)
def qinghai_startup_subsidy(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第5条"
    c = ctx.cols
    p = "startup_subsidy."
    sanjiangyuan = ctx.region_in(p + "sanjiangyuan_regions", c["household_region"]) | ctx.region_in(
        p + "sanjiangyuan_regions", c["residence_region"]
    )
    target = ctx.in_groups(ctx.groups_param(p + "groups")) | (
        ctx.has_group("registered_unemployed") & sanjiangyuan
    )
    ctx.check(
        "target_group",
        "属于一次性创业补贴对象",
        ref,
        target,
        lambda: f"{group_label(ctx, p + 'groups')}，以及三江源地区城镇登记失业人员",
    )
    registered = (
        business_is(ctx, "individual", "small_micro")
        & (c["business_day"] > MISSING_DAY)
        & ctx.in_jurisdiction(c["business_region"])
    )
    ctx.check("business_registered", "在青海省内创办小微企业或从事个体经营并依法登记注册", ref, registered)
    ctx.check("operating_normally", "正常经营", ref, c["business_ok"])
    years = ctx.param(p + "min_operating_years")
    anniversary = shifted(ctx, "business_day", 12 * years)
    ctx.check(
        "operated_one_year",
        "领取营业执照并正常经营1年以上",
        ref,
        registered & (anniversary <= ctx.as_of_day),
        lambda: f"营业执照登记日期 {fmt_day(ctx.v(c['business_day']))}，满{ctx.v(years)}年之日 "
        f"{fmt_day(ctx.v(anniversary))}",
        passes_on=np.where(registered, anniversary, MISSING_DAY),
    )
    ctx.check(
        "not_received_before",
        "本人未享受过一次性创业补贴",
        ref,
        c["led_startup_subsidy"] == 0,
    )
    ctx.check(
        "not_family_transfer",
        "非同一经营场所同一经营项目法人变更为家庭其他成员后重复申请",
        ref,
        ~c["business_family_subsidised"],
    )
    amount = ctx.param(p + "amount_fen")
    out = Outcome(amount_fen=amount, amount_unit="once")
    if ctx.scalar:
        out.notes.append(f"一次性补贴 {yuan(ctx.v(amount))}，每人限享受一次。")
    return out


@policy(
    "qinghai.social_insurance_subsidy",
    title="灵活就业社会保险补贴",
    jurisdiction=QH,
    reference=f"{DOC} 第7条",
    effective_from=IN_FORCE,
    summary="就业困难人员、离校2年内未就业高校毕业生、退役军人实现灵活就业并办理就业登记的，按规定对其个人缴纳的社会保险费给予补贴",
    benefit="social_insurance_subsidy",
)
def qinghai_social_insurance_subsidy(ctx: Ctx) -> Outcome:
    return social_insurance_subsidy(ctx, f"{DOC} 第7条；财社〔2017〕164号")


@policy(
    "qinghai.pension_deferral_2020",
    title="2020年养老保险费暂缓缴纳与补缴",
    jurisdiction=QH,
    reference=f"{DOC} 第19条",
    effective_from=IN_FORCE,
    effective_to=dt.date(2021, 12, 31),
    summary="2020年缴费有困难的灵活就业人员可暂缓缴费，2021年底前补缴，免收利息和滞纳金",
)
def qinghai_pension_deferral(ctx: Ctx) -> Outcome:
    return pension_deferral_2020(ctx, f"{DOC} 第19条")


def pension_deferral_2020(ctx: Ctx, ref: str) -> Outcome:
    c = ctx.cols
    ctx.check(
        "pension_enrolled", "以个人身份参加企业职工基本养老保险的灵活就业人员", ref, c["pension_enrolled"]
    )
    unpaid = c["pension_unpaid_2020"].astype(np.int64)
    ctx.check("unpaid_2020", "2020年有暂缓缴费的月份", ref, (unpaid > 0) & (unpaid <= 12))
    deadline = ctx.value("pension.deferral_2020_makeup_until")
    ctx.check(
        "before_deadline",
        "在补缴截止日期前",
        ref,
        np.full(c.n, deadline is not None and ctx.as_of <= deadline),
        f"补缴截止 {deadline}",
    )
    options = {
        "makeup_until": deadline,
        "base_year": ctx.value("pension.deferral_2020_base_year"),
        "interest_waived": bool(ctx.value("pension.deferral_2020_interest_waived")),
    }
    return Outcome(months=unpaid, options=options)
