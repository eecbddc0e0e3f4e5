"""Permission groups that go with the roles. Staff accounts join one of these; the permission to
see full personal data is a separate group so a bureau can grant it to few people."""

from __future__ import annotations

from typing import Any

#: group name → permissions ("app_label.codename")
GROUPS: dict[str, tuple[str, ...]] = {
    "公共就业服务经办": (
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "core.view_division",
        "core.view_occupation",
        "core.view_calendarday",
        "core.view_alert",
        "core.change_alert",
        "market.view_workerprofile",
        "market.change_workerprofile",
        "market.view_employerprofile",
        "market.change_employerprofile",
        "market.view_gigpost",
        "market.change_gigpost",
        "market.view_seekingpost",
        "market.change_seekingpost",
        "market.view_engagement",
        "market.view_directoryplace",
        "market.add_directoryplace",
        "market.change_directoryplace",
        "market.view_minimumwage",
        "market.view_forbiddenterm",
        "registration.view_employmentregistration",
        "registration.view_unemploymentregistration",
        "registration.view_push",
        "training.view_trainingcourse",
        "training.add_trainingcourse",
        "training.change_trainingcourse",
        "matching.view_weightset",
        "matching.view_dispatchround",
        "policy.view_policyapplication",
        "policy.change_policyapplication",
        "policy.view_ledgerentry",
        "policy.add_ledgerentry",
        "policy.view_parametervalue",
        "policy.view_policyrun",
        "policy.add_policyrun",
    ),
    "匹配权重维护": ("matching.view_weightset", "matching.add_weightset"),
    "政策参数维护": (
        "policy.view_parametervalue",
        "policy.add_parametervalue",
    ),
    # The two outside parties of a startup guarantee loan (22号 第八条): what each account reviews is
    # decided by its policy.LoanParty link; the group only lets it see the applications.
    "创业担保贷款担保机构": ("policy.view_loanreview", "policy.change_loanreview"),
    "创业担保贷款经办银行": ("policy.view_loanreview", "policy.change_loanreview"),
    "个人信息查看授权": (
        "accounts.view_personal_data",
        "accounts.export_personal_data",
    ),
    "审计": (
        "core.view_auditentry",
        "core.export_auditentry",
    ),
    "基础数据维护": (
        "core.view_calendarday",
        "core.add_calendarday",
        "core.change_calendarday",
        "core.delete_calendarday",
        "core.view_calendaryear",
        "core.add_calendaryear",
        "core.change_calendaryear",
        "core.change_occupation",
        "core.add_occupation",
        "market.add_minimumwage",
        "market.change_minimumwage",
        "market.add_forbiddenterm",
        "market.change_forbiddenterm",
    ),
}


def ensure_groups(group_model: Any, permission_model: Any) -> None:
    """Create or refresh the groups; works with real or historical (migration) models."""
    for name, perms in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
