"""Login by phone number and password, lockout after repeated failures, API tokens."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from lingong.accounts import services
from lingong.accounts.models import ApiToken, User
from lingong.conftest import PASSWORD
from lingong.core.errors import DomainError
from lingong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


class TestLogin:
    def test_login_with_phone_in_any_common_format(self, client: Client, heping_staff: User) -> None:
        response = client.post("/login/", {"phone": "139 0000 0001", "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == "/staff/"

    def test_wrong_password_is_a_chinese_message(self, client: Client, heping_staff: User) -> None:
        response = client.post("/login/", {"phone": "13900000001", "password": "wrong-password"})
        assert response.status_code == 401
        assert "手机号码或密码不正确" in response.content.decode()

    def test_unknown_phone_gets_the_same_message(self, client: Client, db: None) -> None:
        response = client.post("/login/", {"phone": "13500000000", "password": "whatever-123"})
        assert "手机号码或密码不正确" in response.content.decode()

    @override_settings(LINGONG_LOGIN_MAX_FAILURES=3, LINGONG_LOGIN_LOCK_MINUTES=15)
    def test_lockout_after_repeated_failures_even_with_right_password(self, heping_staff: User) -> None:
        for _ in range(2):
            with pytest.raises(DomainError) as info:
                services.authenticate_phone(phone="13900000001", password="bad-password")
            assert info.value.code == "login_failed"
        with pytest.raises(DomainError) as info:
            services.authenticate_phone(phone="13900000001", password="bad-password")
        assert info.value.code == "account_locked"
        assert "锁定15分钟" in info.value.message
        with pytest.raises(DomainError) as info:
            services.authenticate_phone(phone="13900000001", password=PASSWORD)
        assert info.value.code == "account_locked"
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.LOCKED, object_id=str(heping_staff.pk)
        ).exists()

    @override_settings(LINGONG_LOGIN_MAX_FAILURES=2)
    def test_lock_expires(self, heping_staff: User) -> None:
        for _ in range(2):
            with pytest.raises(DomainError):
                services.authenticate_phone(phone="13900000001", password="bad-password")
        User.objects.filter(pk=heping_staff.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
        assert services.authenticate_phone(phone="13900000001", password=PASSWORD) == heping_staff

    def test_success_resets_the_count(self, heping_staff: User) -> None:
        with pytest.raises(DomainError):
            services.authenticate_phone(phone="13900000001", password="bad-password")
        services.authenticate_phone(phone="13900000001", password=PASSWORD)
        heping_staff.refresh_from_db()
        assert heping_staff.failed_logins == 0

    def test_inactive_account(self, heping_staff: User) -> None:
        User.objects.filter(pk=heping_staff.pk).update(is_active=False)
        with pytest.raises(DomainError) as info:
            services.authenticate_phone(phone="13900000001", password=PASSWORD)
        assert info.value.code == "account_inactive"


class TestApiTokens:
    def test_token_lifecycle(self, client: Client, heping_staff: User) -> None:
        token, key = services.issue_api_token(actor=heping_staff, name="统计系统对接")
        assert key.startswith("lg_")
        assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored
        me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
        assert me["display_name"] == "王芳" and me["phone"] == "139****0001"
        assert client.get("/api/v1/me", HTTP_X_API_KEY=key).status_code == 200
        services.revoke_api_token(actor=heping_staff, token_id=token.pk)
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401

    def test_expired_token_refused(self, client: Client, heping_staff: User) -> None:
        token, key = services.issue_api_token(actor=heping_staff, name="临时")
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401

    def test_issue_through_api_with_session(self, client: Client, heping_staff: User) -> None:
        client.post("/login/", {"phone": heping_staff.phone, "password": PASSWORD})
        response = client.post(
            "/api/v1/tokens", data=json.dumps({"name": "脚本"}), content_type="application/json"
        )
        assert response.status_code == 201
        assert response.json()["key"].startswith("lg_")

    def test_session_api_needs_csrf(self, heping_staff: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(heping_staff)
        response = client.post(
            "/api/v1/tokens", data=json.dumps({"name": "脚本"}), content_type="application/json"
        )
        assert response.status_code in (401, 403)

    def test_revoke_someone_elses_token_is_404(
        self, client: Client, heping_staff: User, tiexi_staff: User
    ) -> None:
        token, _key = services.issue_api_token(actor=tiexi_staff, name="他人的")
        _t, mine = services.issue_api_token(actor=heping_staff, name="我的")
        response = client.delete(f"/api/v1/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {mine}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestApiErrors:
    def test_bad_input_gets_code_and_chinese_message(self, client: Client, heping_staff: User) -> None:
        _t, key = services.issue_api_token(actor=heping_staff, name="t")
        response = client.post(
            "/api/v1/people",
            data=json.dumps(
                {
                    "display_name": "周敏",
                    "phone": "13611112222",
                    "region_code": "210102",
                    "id_number": "210102199002300021",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "id_number_birth_date"
        assert "不是一个真实的日期" in response.json()["message"]
        assert not User.objects.filter_phone("13611112222").exists()

    def test_malformed_json_is_invalid_input(self, client: Client, heping_staff: User) -> None:
        _t, key = services.issue_api_token(actor=heping_staff, name="t")
        response = client.post(
            "/api/v1/people",
            data=json.dumps({"phone": 5}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_input"

    def test_register_worker_at_window(self, client: Client, heping_staff: User) -> None:
        _t, key = services.issue_api_token(actor=heping_staff, name="t")
        response = client.post(
            "/api/v1/people",
            data=json.dumps(
                {
                    "display_name": "周敏",
                    "phone": "13611112222",
                    "region_code": "210102",
                    "id_number": "210102199002280025",
                    "address": "和平区中华路1号",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["id_number"] == "210102********0025"
        person = User.objects.filter_phone("13611112222").get()
        assert person.birth_date == dt.date(1990, 2, 28) and person.sex == "F"
        again = client.post(
            "/api/v1/people",
            data=json.dumps({"display_name": "周敏", "phone": "13611112222", "region_code": "210102"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert again.status_code == 409 and again.json()["code"] == "phone_taken"

    def test_docs_are_served(self, client: Client, db: None) -> None:
        assert client.get("/api/docs").status_code == 200
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/people" in schema["paths"]


class TestCreateSuperuser:
    def test_noinput_with_phone_only(self, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.core.management import call_command

        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-lingong-2026")
        call_command("createsuperuser", "--noinput", "--phone", "139 0000 9999", "--name", "管理员甲")
        admin = User.objects.get_by_phone("13900009999")
        assert admin.is_superuser and admin.role == "admin"
        assert services.authenticate_phone(phone="13900009999", password="Admin-lingong-2026") == admin

    def test_bad_phone_refused(self, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.core.management import CommandError, call_command

        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-lingong-2026")
        with pytest.raises(CommandError, match="11位"):
            call_command("createsuperuser", "--noinput", "--phone", "12345")
        assert not User.objects.exists()
