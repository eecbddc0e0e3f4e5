"""The Django admin back office keeps staff inside their region too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from lingong.accounts import services
from lingong.accounts.models import User

pytestmark = pytest.mark.django_db


def test_admin_user_list_is_scoped(
    client: Client, heping_staff: User, heping_worker: User, tiexi_worker: User
) -> None:
    client.force_login(heping_staff)
    page = client.get("/admin/accounts/user/").content.decode()
    assert "张秀兰" in page and "刘洋" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert client.get(f"/admin/accounts/user/{tiexi_worker.pk}/change/").status_code == 302  # "doesn't exist"


def test_admin_search_by_full_phone(client: Client, heping_staff: User, heping_worker: User) -> None:
    client.force_login(heping_staff)
    page = client.get("/admin/accounts/user/", {"q": "13812345678"}).content.decode()
    assert "张秀兰" in page


def test_admin_tokens_scoped(client: Client, heping_staff: User, tiexi_staff: User) -> None:
    heping_staff.user_permissions.add(*Permission.objects.filter(codename="view_apitoken"))
    services.issue_api_token(actor=tiexi_staff, name="铁西的令牌")
    services.issue_api_token(actor=heping_staff, name="和平的令牌")
    client.force_login(User.objects.get(pk=heping_staff.pk))
    page = client.get("/admin/accounts/apitoken/").content.decode()
    assert "和平的令牌" in page and "铁西的令牌" not in page


def test_administrator_opens_a_staff_account(client: Client, shenyang: dict[str, object]) -> None:
    admin_user = User.objects.create_superuser("13900000099", "Admin-lingong-2026", display_name="管理员")
    client.force_login(admin_user)
    form = {
        "display_name": "周洁",
        "role": "staff",
        "region": "210102",
        "phone": "139 0000 0055",
        "password": "Zhou-jie-2026",
    }
    bad = client.post("/admin/accounts/user/add/", {**form, "phone": "12345"})
    assert bad.status_code == 200 and "11位" in bad.content.decode()
    response = client.post("/admin/accounts/user/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = User.objects.get_by_phone("13900000055")
    assert staff.region_id == "210102" and staff.is_staff and staff.check_password("Zhou-jie-2026")


def test_county_staff_cannot_open_accounts(client: Client, heping_staff: User) -> None:
    client.force_login(heping_staff)
    assert client.get("/admin/accounts/user/add/").status_code == 403


def test_admin_greets_by_name_not_by_hash(client: Client, heping_staff: User) -> None:
    client.force_login(heping_staff)
    page = client.get("/admin/").content.decode()
    assert "王芳" in page
    assert heping_staff.phone_index.upper() not in page.upper()
