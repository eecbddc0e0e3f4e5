"""Guangxi: 关于支持多渠道灵活就业的若干措施 (广西壮族自治区就业工作领导小组办公室, 2020-09-29)
(一) (二) (十三)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..rules import Ctx, Outcome, policy
from .common import business_is, group_label, social_insurance_subsidy, yuan
from .loans import guarantee_loan
from .qinghai import pension_deferral_2020

DOC = "广西《关于支持多渠道灵活就业的若干措施》（自治区就业工作领导小组办公室，2020-09-29）"
ISSUED = dt.date(2020, 9, 29)
GX = "450000"


@policy(
    "guangxi.startup_support",
    title="个体经营创业担保贷款支持",
    jurisdiction=GX,
    reference=f"{DOC}（一）",
    effective_from=ISSUED,
    summary="下岗失业人员、高校毕业生、就业困难人员等重点群体从事个体经营的，按规定给予创业担保贷款、税收优惠、创业补贴等支持",
    benefit="startup_guarantee_loan",
)
def guangxi_startup_support(ctx: Ctx) -> Outcome:
    ref = f"{DOC}（一）；财金〔2020〕21号"
    out = guarantee_loan(ctx, ref)
    # (一) names its own groups for individual businesses; the loan groups of 财金〔2020〕21号 still apply
    ctx.check(
        "individual_business",
        "从事个体经营",
        f"{DOC}（一）",
        business_is(ctx, "individual"),
    )
    if ctx.scalar and ctx.v(ctx.has_group("migrant_worker")):
        out.notes.append("从事个体经营的农民工另可按规定申请创业奖补及带动就业奖补（标准由各地确定）。")
    return out


@policy(
    "guangxi.social_insurance_subsidy",
    title="灵活就业社会保险补贴",
    jurisdiction=GX,
    reference=f"{DOC}（二）",
    effective_from=ISSUED,
    summary="就业困难人员、离校2年内未就业高校毕业生从事非全日制等工作的，按规定给予社会保险补贴",
    benefit="social_insurance_subsidy",
)
def guangxi_social_insurance_subsidy(ctx: Ctx) -> Outcome:
    return social_insurance_subsidy(ctx, f"{DOC}（二）；财社〔2017〕164号")


@policy(
    "guangxi.pension_deferral_2020",
    title="2020年养老保险费暂缓缴纳",
    jurisdiction=GX,
    reference=f"{DOC}（十三）",
    effective_from=ISSUED,
    effective_to=dt.date(2021, 12, 31),
    summary="2020年缴纳基本养老保险费确有困难的灵活就业人员，可按规定自愿暂缓缴费",
)
def guangxi_pension_deferral(ctx: Ctx) -> Outcome:
    return pension_deferral_2020(ctx, f"{DOC}（十三）；人社部发〔2020〕49号")


@policy(
    "guangxi.work_injury_multi_employer",
    title="多家单位非全日制从业人员工伤保险",
    jurisdiction=GX,
    reference=f"{DOC}（十三）",
    effective_from=ISSUED,
    summary="在两个或两个以上用人单位同时就业的非全日制从业人员，由各用人单位分别缴纳工伤保险费",
)
def guangxi_work_injury(ctx: Ctx) -> Outcome:
    ref = f"{DOC}（十三）"
    c = ctx.cols
    ctx.check("part_time", "非全日制从业人员", ref, c["part_time"])
    employers = c["part_time_employers"].astype(np.int64)
    ctx.check("has_employer", "有用人单位", ref, employers > 0, lambda: f"用人单位 {ctx.v(employers)} 家")
    out = Outcome()
    if ctx.scalar:
        out.options = {"employers_liable": ctx.v(employers)}
        out.notes.append(f"{ctx.v(employers)} 家用人单位应分别为其缴纳工伤保险费，依法享有工伤保险待遇。")
    return out


@policy(
    "guangxi.temporary_assistance",
    title="临时救助（一事一议）",
    jurisdiction=GX,
    reference=f"{DOC}（十三）",
    effective_from=ISSUED,
    summary="有重大生活困难的特困、低保等困难群众，按“一事一议”方式，年度最高救助金额可达5万元",
    benefit="temporary_assistance",
)
def guangxi_temporary_assistance(ctx: Ctx) -> Outcome:
    ref = f"{DOC}（十三）"
    c = ctx.cols
    p = "temporary_assistance."
    ctx.check(
        "target_group",
        "特困、低保等困难群众",
        ref,
        ctx.in_groups(ctx.groups_param(p + "groups")),
        lambda: group_label(ctx, p + "groups"),
    )
    ctx.check("major_hardship", "有重大生活困难（民政部门认定）", ref, c["major_hardship"])
    cap = ctx.param(p + "annual_max_fen")
    left = np.clip(cap - c["led_assistance_year_fen"], 0, None)
    ctx.check(
        "annual_cap_left",
        "本年度救助金额未达上限",
        ref,
        left > 0,
        lambda: f"本年度已救助 {yuan(ctx.v(c['led_assistance_year_fen']))}，上限 {yuan(ctx.v(cap))}",
    )
    out = Outcome(amount_fen=left, amount_unit="year_max")
    if ctx.scalar:
        out.notes.append("金额为本年度尚可救助的上限，具体金额“一事一议”确定。")
    return out
