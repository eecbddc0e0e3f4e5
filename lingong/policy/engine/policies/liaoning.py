"""Liaoning: 辽人社〔2022〕22号 (2022-07-05) 一 二 五 八 十 十一, and 辽人社提〔2024〕5号 (the 50% interest
subsidy on startup guarantee loans for the ten groups and small enterprises)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..columns import BUSINESS_CODES
from ..dates import MISSING_DAY
from ..rules import Ctx, Outcome, policy
from .common import (
    age_at_least,
    business_is,
    check_below_retirement,
    group_label,
    social_insurance_subsidy,
    yuan,
)
from .loans import guarantee_loan, interest_subsidy_share

DOC = "辽人社〔2022〕22号"
ISSUED = dt.date(2022, 7, 5)
LN = "210000"


@policy(
    "liaoning.social_insurance_subsidy",
    title="灵活就业社会保险补贴",
    jurisdiction=LN,
    reference=f"{DOC} 第十一条",
    effective_from=ISSUED,
    summary="就业困难人员、离校2年内未就业高校毕业生从事非全日制等灵活就业的，给予不超过实际缴费2/3的社会保险补贴",
    benefit="social_insurance_subsidy",
)
def liaoning_social_insurance_subsidy(ctx: Ctx) -> Outcome:
    return social_insurance_subsidy(ctx, f"{DOC} 第十一条")


@policy(
    "liaoning.pension_enrolment",
    title="灵活就业人员参加企业职工基本养老保险",
    jurisdiction=LN,
    reference=f"{DOC} 第十条",
    effective_from=ISSUED,
    summary="年满16周岁且未达到法定退休年龄的灵活就业人员可在注册地、户籍地或居住证所在地参保，自选档次和缴费周期",
)
def liaoning_pension_enrolment(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第十条"
    c = ctx.cols
    flexible = (
        (c["fe_registered_day"] > MISSING_DAY)
        | c["part_time"]
        | (c["business_kind"] == BUSINESS_CODES["individual"])
    )
    ctx.check("flexible_worker", "无雇工的个体工商户、非全日制从业人员或其他灵活就业人员", ref, flexible)
    age_at_least(ctx, 16, ref)
    check_below_retirement(ctx, ref)
    local_household = ctx.in_jurisdiction(c["household_region"])
    registered = business_is(ctx, "individual") & ctx.in_jurisdiction(c["business_region"])
    permit = ctx.in_jurisdiction(c["residence_permit_region"])
    # 省外户籍 enrol only where their residence permit is; 本省户籍 also at the household or registered place
    ctx.check(
        "enrolment_place",
        "在本省有可参保地（注册地、户籍地或居住证所在地）",
        ref,
        local_household | registered | permit,
        "省外户籍的灵活就业人员须持本省居住证",
    )
    out = Outcome()
    if ctx.scalar:
        places = []
        if ctx.v(registered):
            places.append(
                {"kind": "registered", "label": "注册地", "region": f"{ctx.v(c['business_region']):06d}"}
            )
        if ctx.v(local_household):
            places.append(
                {"kind": "household", "label": "户籍地", "region": f"{ctx.v(c['household_region']):06d}"}
            )
        if ctx.v(permit):
            places.append(
                {
                    "kind": "residence_permit",
                    "label": "居住证所在地",
                    "region": f"{ctx.v(c['residence_permit_region']):06d}",
                }
            )
        out.options = {
            "places": places,
            # 在辽宁公布的当年缴费档次中选择: the year's tiers when staff have entered them, and always the
            # national base range (60%-300% of the average wage) they lie in
            "tiers": list(ctx.value("pension.contribution_tiers") or ()),
            "base_range_percent": list(ctx.value("pension.contribution_base_range_percent") or ()),
            "frequencies": list(ctx.value("pension.payment_frequencies") or ()),
        }
        if ctx.v(ctx.has_group("recent_graduate")) or ctx.v(ctx.has_group("college_graduate")):
            out.notes.append(
                "灵活就业的高校毕业生可在个人缴费基数上下限内自选缴费基数，按月、季、半年或年缴费"
                "（辽人社发〔2021〕7号，见省人社厅对省人大6006号建议的答复 二（七））。"
            )
    return out


@policy(
    "liaoning.pension_deferral_2022",
    title="2022年养老保险费暂缓缴纳与补缴",
    jurisdiction=LN,
    reference=f"{DOC} 第十条",
    effective_from=ISSUED,
    effective_to=dt.date(2023, 12, 31),
    summary="以个人身份参保的灵活就业人员，2022年缴费有困难的可暂缓缴费，2023年底前补缴",
)
def liaoning_pension_deferral(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第十条"
    c = ctx.cols
    ctx.check("pension_enrolled", "以个人身份参加企业职工基本养老保险", ref, c["pension_enrolled"])
    unpaid = c["pension_unpaid_2022"].astype(np.int64)
    ctx.check("unpaid_2022", "2022年有暂缓缴费的月份", ref, (unpaid > 0) & (unpaid <= 12))
    deadline = ctx.value("pension.deferral_2022_makeup_until")
    ctx.check(
        "before_deadline",
        "在补缴截止日期前",
        ref,
        np.full(c.n, deadline is not None and ctx.as_of <= deadline),
        f"补缴截止 {deadline}",
    )
    return Outcome(months=unpaid, options={"makeup_until": deadline})


@policy(
    "liaoning.startup_site_subsidy",
    title="创业场地补贴",
    jurisdiction=LN,
    reference=f"{DOC} 第二条",
    effective_from=ISSUED,
    summary="高校毕业生及留学回国人员、返乡农民工、就业困难人员等从事个体经营的，给予不超过24个月的创业场地补贴",
    benefit="startup_site_subsidy",
)
def liaoning_site_subsidy(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第二条"
    c = ctx.cols
    p = "startup_site_subsidy."
    ctx.check(
        "target_group",
        "属于创业场地补贴对象",
        ref,
        ctx.in_groups(ctx.groups_param(p + "groups")),
        lambda: f"本地补贴对象：{group_label(ctx, p + 'groups')}",
    )
    ctx.check(
        "individual_business",
        "在本省登记从事个体经营",
        ref,
        business_is(ctx, "individual")
        & (c["business_day"] > MISSING_DAY)
        & (c["business_day"] <= ctx.as_of_day)
        & ctx.in_jurisdiction(c["business_region"]),
    )
    used = c["led_site_months"].astype(np.int64)
    remaining = np.clip(ctx.param(p + "max_months") - used, 0, None)
    ctx.check(
        "months_remaining",
        "补贴期限未用完（最长24个月）",
        ref,
        remaining > 0,
        lambda: f"已享受 {ctx.v(used)} 个月",
    )
    monthly = ctx.param(p + "monthly_fen")
    out = Outcome(amount_fen=monthly, amount_unit="month", months=remaining)
    if ctx.scalar and ctx.v(monthly) == 0:
        out.notes.append("补贴标准由各市按规定确定，本地标准尚未录入，仅判断资格。")
    return out


@policy(
    "liaoning.public_welfare_post_subsidy",
    title="非全日制公益性岗位补贴",
    jurisdiction=LN,
    reference=f"{DOC} 第一条",
    effective_from=ISSUED,
    summary="采取非全日制方式安置的城镇公益性岗位，按实际工作时间和不超过当地小时最低工资标准确定岗位补贴",
    benefit="public_welfare_post_subsidy",
)
def liaoning_public_welfare_post(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第一条"
    c = ctx.cols
    ctx.check("part_time_post", "在非全日制城镇公益性岗位工作", ref, c["pw_part_time"])
    hours = c["pw_hours"].astype(np.int64)
    ctx.check("hours_worked", "有实际工作时间", ref, hours > 0, lambda: f"当月工作 {ctx.v(hours)} 小时")
    hourly = ctx.param("minimum_wage.hourly_fen")
    ctx.check(
        "minimum_wage_known",
        "当地小时最低工资标准已录入",
        ref,
        hourly > 0,
        lambda: f"小时最低工资 {yuan(ctx.v(hourly))}"
        if ctx.v(hourly)
        else "请在参数中录入当地小时最低工资标准",
    )
    return Outcome(amount_fen=hourly * hours, amount_unit="month")


@policy(
    "liaoning.training_subsidy",
    title="职业培训补贴",
    jurisdiction=LN,
    reference=f"{DOC} 第五条",
    effective_from=ISSUED,
    summary="符合条件的参训灵活就业人员，按规定落实职业培训补贴",
    benefit="training_subsidy",
)
def liaoning_training_subsidy(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第五条；财社〔2017〕164号"
    c = ctx.cols
    flexible = (c["fe_registered_day"] > MISSING_DAY) | c["part_time"] | (c["business_kind"] > 0)
    ctx.check("flexible_worker", "灵活就业人员", ref, flexible)
    done = (c["training_kind"] > 0) & (c["training_day"] > MISSING_DAY) & (c["training_day"] <= ctx.as_of_day)
    ctx.check("training_completed", "已完成培训", ref, done)
    ctx.check(
        "certificate",
        "取得证书（职业资格、技能等级、专项能力或培训合格证书）",
        ref,
        c["training_certificate"],
    )
    per_year = ctx.param("training.subsidy.max_times_per_year")
    ctx.check(
        "times_this_year",
        "本年度享受次数未超上限",
        ref,
        c["led_training_year"] < per_year,
        lambda: f"本年度已享受 {ctx.v(c['led_training_year'])} 次，上限 {ctx.v(per_year)} 次",
    )
    amount = np.where(
        c["training_kind"] == 2,
        ctx.param("training.subsidy.startup_fen"),
        ctx.param("training.subsidy.vocational_fen"),
    )
    out = Outcome(amount_fen=amount, amount_unit="once")
    if ctx.scalar and ctx.v(amount) == 0:
        out.notes.append("补贴标准按各市培训补贴目录确定，本地标准尚未录入，仅判断资格。")
    return out


@policy(
    "liaoning.training_living_allowance",
    title="培训期间生活费补贴",
    jurisdiction=LN,
    reference=f"{DOC} 第五条",
    effective_from=ISSUED,
    summary="就业困难人员等参加培训的，按规定给予培训期间生活费补贴",
    benefit="training_living_allowance",
)
def liaoning_training_living_allowance(ctx: Ctx) -> Outcome:
    ref = f"{DOC} 第五条；财社〔2017〕164号"
    c = ctx.cols
    ctx.check(
        "target_group",
        "属于生活费补贴对象",
        ref,
        ctx.in_groups(ctx.groups_param("training.living_allowance.groups")),
        lambda: f"本地补贴对象：{group_label(ctx, 'training.living_allowance.groups')}",
    )
    done = (c["training_kind"] > 0) & (c["training_day"] > MISSING_DAY) & (c["training_day"] <= ctx.as_of_day)
    ctx.check("training_completed", "已完成培训", ref, done & c["training_certificate"])
    days = c["training_days"].astype(np.int64)
    ctx.check("training_days", "培训天数大于0", ref, days > 0)
    daily = ctx.param("training.living_allowance.daily_fen")
    out = Outcome(amount_fen=daily * days, amount_unit="once")
    if ctx.scalar and ctx.v(daily) == 0:
        out.notes.append("生活费补贴标准由各市确定，本地标准尚未录入，仅判断资格。")
    return out


@policy(
    "liaoning.startup_guarantee_loan",
    title="创业担保贷款",
    jurisdiction=LN,
    reference=f"{DOC} 第八条",
    effective_from=ISSUED,
    summary="符合条件的自主创业人员申请创业担保贷款，经办机构、担保机构、经办银行一站式审核",
    benefit="startup_guarantee_loan",
)
def liaoning_startup_loan(ctx: Ctx) -> Outcome:
    return guarantee_loan(ctx, f"{DOC} 第八条；财金〔2020〕21号")


@policy(
    "liaoning.startup_loan_interest_subsidy",
    title="创业担保贷款贴息（实际利率50%）",
    jurisdiction=LN,
    reference="辽人社提〔2024〕5号 一、四",
    effective_from=dt.date(2023, 1, 1),
    summary="对符合条件的十类重点就业群体和小微企业申请的创业担保贷款，按贷款实际利率的50%给予财政贴息",
)
def liaoning_interest_subsidy(ctx: Ctx) -> Outcome:
    return interest_subsidy_share(ctx, "辽人社提〔2024〕5号 一；辽人社〔2022〕22号 第八条")
