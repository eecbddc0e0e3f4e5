"""Startup guarantee loans and their interest subsidy (创业担保贷款及贴息).

The provincial clauses say "按规定" and defer to 财金〔2020〕21号 (财政部 人力资源社会保障部 人民银行
《关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知》): the ten groups, at most
200,000 yuan for an individual, at most 3 years, at most 3 subsidised loans in all. Those national
figures are parameters in ``parameters/000000/startup_loan.yaml`` with their source and notes where
uncertain. Liaoning pays 50% of the actual rate (辽人社提〔2024〕5号); elsewhere the national split
applies: the borrower bears the part below LPR-150bp and the budget pays the rest.

Interest is simple interest on the full principal over the term (the figure staff quote at approval);
the bank's actual schedule, with repayments, can only be lower.
"""

from __future__ import annotations

import numpy as np

from ..dates import MISSING_DAY
from ..rules import BoolArray, Ctx, Outcome
from .common import business_is, group_label, yuan

P = "startup_loan."


def _target(ctx: Ctx, reference: str, *, enterprises: bool) -> BoolArray:
    person_ok = ctx.in_groups(ctx.groups_param(P + "groups"))
    ok = person_ok | business_is(ctx, "small_micro") if enterprises else person_ok
    label = "属于十类重点群体" + ("或小微企业" if enterprises else "")
    ctx.check("target_group", label, reference, ok, lambda: f"十类人员：{group_label(ctx, P + 'groups')}")
    return ok


def guarantee_loan(ctx: Ctx, reference: str) -> Outcome:
    c = ctx.cols
    _target(ctx, reference, enterprises=False)
    ctx.check(
        "business_registered",
        "在本地依法登记创业（个体工商户、小微企业或合伙创业）",
        reference,
        business_is(ctx, "individual", "small_micro", "partnership")
        & (c["business_day"] > MISSING_DAY)
        & (c["business_day"] <= ctx.as_of_day)
        & ctx.in_jurisdiction(c["business_region"]),
    )
    ctx.check(
        "no_outstanding_loan",
        "无未还清的创业担保贷款及其他经营性贷款",
        reference,
        ~c["led_loan_outstanding"] & ~c["other_loans"],
        "助学、扶贫、住房、车辆、消费贷款除外",
    )
    max_times = ctx.param(P + "max_times")
    ctx.check(
        "times_left",
        "累计享受贴息贷款次数未超上限",
        reference,
        c["led_loan_count"] < max_times,
        lambda: f"已享受 {ctx.v(c['led_loan_count'])} 次，上限 {ctx.v(max_times)} 次",
    )
    cap = ctx.param(P + "individual_max_fen")
    asked = c["loan_amount_fen"]
    ctx.check(
        "amount_within_limit",
        "申请金额不超过个人贷款最高额度",
        reference,
        asked <= cap,
        lambda: f"申请 {yuan(ctx.v(asked))}，最高 {yuan(ctx.v(cap))}",
    )
    max_term = ctx.param(P + "max_term_months")
    term = c["loan_term_months"].astype(np.int64)
    ctx.check(
        "term_within_limit",
        "贷款期限不超过上限",
        reference,
        term <= max_term,
        lambda: f"申请 {ctx.v(term)} 个月，最长 {ctx.v(max_term)} 个月",
    )
    amount = np.where(asked > 0, np.minimum(asked, cap), cap)
    months = np.where(term > 0, np.minimum(term, max_term), max_term)
    out = Outcome(amount_fen=amount, amount_unit="total", months=months)
    if ctx.scalar:
        out.notes.append("经办机构资格审核、担保机构尽职调查、经办银行贷前调查“多审合一”，一次提交材料。")
    return out


def _loan_terms(ctx: Ctx, reference: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = ctx.cols
    principal = np.minimum(c["loan_amount_fen"], ctx.param(P + "individual_max_fen"))
    term = np.minimum(c["loan_term_months"].astype(np.int64), ctx.param(P + "max_term_months"))
    rate = c["loan_rate_bp"].astype(np.int64)
    ctx.check(
        "loan_terms_known",
        "已有创业担保贷款的金额、期限和实际利率",
        reference,
        (principal > 0) & (term > 0) & (rate > 0),
    )
    return principal, term, rate


def interest_subsidy_share(ctx: Ctx, reference: str) -> Outcome:
    """A share of the actual interest (Liaoning: 50%)."""
    _target(ctx, reference, enterprises=True)
    principal, term, rate = _loan_terms(ctx, reference)
    num, den = ctx.ratio(P + "interest_subsidy_share")
    # principal (fen) x rate (bp/10000 per year) x term/12 x share: one exact integer division
    amount = principal * rate * term * num // (120_000 * den)
    return Outcome(amount_fen=amount, amount_unit="total", months=term)


def interest_subsidy_lpr(ctx: Ctx, reference: str) -> Outcome:
    """National split (财金〔2020〕21号): the borrower bears the rate up to LPR-150bp, the budget the rest."""
    _target(ctx, reference, enterprises=True)
    principal, term, rate = _loan_terms(ctx, reference)
    lpr = ctx.param(P + "lpr_1y_bp")
    borne = np.maximum(lpr - ctx.param(P + "borrower_below_lpr_bp"), 0)
    subsidised_bp = np.clip(rate - borne, 0, None)
    amount = principal * subsidised_bp * term // 120_000
    out = Outcome(amount_fen=amount, amount_unit="total", months=term)
    if ctx.scalar:
        out.notes.append(
            f"借款人承担 LPR-150BP（{ctx.v(borne) / 100:.2f}%）以内部分，"
            f"财政贴息其余 {ctx.v(subsidised_bp) / 100:.2f}%。"
        )
    return out
