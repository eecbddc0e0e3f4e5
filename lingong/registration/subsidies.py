"""Subsidies a registered person may be eligible for, pushed after registration (辽人社〔2022〕22号
第九条, 第十条: 社会保险补贴, 创业担保贷款, 一次性创业补贴 …).

The policy engine decides: every policy of the registration's region is evaluated on what the platform
knows of the person (``lingong.policy.facts.platform_person`` and their entitlement ledger), and those
they are eligible for are pushed with the amount, the duration and the clause. The "我能享受哪些政策"
page comes last, for what the platform cannot know (contributions paid, a business registered).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.policy.decisions import UNIT_LABELS, evaluate, yuan_text
from lingong.policy.facts import ledger_for, platform_person
from lingong.registration.models import RegistrationBase, UnemploymentRegistration


@dataclass(frozen=True)
class SubsidySuggestion:
    key: str  # stable, recorded as the push's target, so a retried push records nothing twice
    title: str
    reason: str
    link: str


def _finder_url() -> str:
    """The policy finder page ("我能享受哪些政策"), served by the policy app."""
    return reverse("policy:mine")


def _eligible(registration: RegistrationBase) -> list[SubsidySuggestion]:
    person = registration.person
    decisions = evaluate(
        platform_person(person),
        region=registration.region_id,
        as_of=timezone.localdate(),
        ledger=ledger_for(person.pk),
    )
    found = []
    for d in decisions:
        if not d.eligible:
            continue
        parts = []
        if d.amount_fen:
            unit = str(UNIT_LABELS.get(d.amount_unit or "", ""))
            parts.append(_("%(unit)s%(amount)s元") % {"unit": unit, "amount": yuan_text(d.amount_fen)})
        if d.months:
            parts.append(_("最长%(n)s个月") % {"n": d.months})
        parts.append(_("依据%(ref)s") % {"ref": d.reference})
        found.append(
            SubsidySuggestion(
                key=f"policy:{d.policy}", title=d.title, reason="，".join(parts), link=_finder_url()
            )
        )
    return found


def subsidy_suggestions(registration: RegistrationBase) -> list[SubsidySuggestion]:
    """What to suggest to the person of ``registration``: the policies the engine finds them eligible
    for, then the page where they can add what the platform does not know."""
    if isinstance(registration, UnemploymentRegistration):
        reason = _("登记失业人员可按规定享受就业创业扶持政策，点开查看您符合条件的政策和申请方式。")
    else:
        reason = _("灵活就业人员可按规定享受社会保险补贴等政策，点开查看您符合条件的政策和申请方式。")
    return [
        *_eligible(registration),
        SubsidySuggestion(
            key="policy-finder", title=_("我能享受哪些政策"), reason=reason, link=_finder_url()
        ),
    ]
