"""Personal data: encrypted at rest, masked on screen, unmasked only with permission, audited."""

from __future__ import annotations

import base64
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from openpyxl import load_workbook

from lingong.accounts import services
from lingong.accounts.models import User
from lingong.conftest import PASSWORD
from lingong.core import crypto
from lingong.core.errors import PermissionDenied
from lingong.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CLEAR_VALUES = ["13812345678", "210102196803150024", "南京南街18号", "13712345679", "210106199505200010"]


def database_bytes() -> bytes:
    """Everything the database holds, as bytes: the SQLite file itself, or PostgreSQL's rows."""
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "copy.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(target)])
            return target.read_bytes()
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def login(client: Client, user: User) -> None:
    assert client.post("/login/", {"phone": user.phone, "password": PASSWORD}).status_code == 302


class TestAtRest:
    # SQLite cannot VACUUM INTO inside a transaction; serialized rollback restores the reference data.
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_database_holds_no_id_number_or_phone_in_clear(
        self, heping_staff: User, heping_worker: User, tiexi_worker: User, client: Client
    ) -> None:
        # Exercise the paths that write: a login, an audited reveal, an edit.
        login(client, heping_staff)
        client.post(f"/staff/people/{heping_worker.pk}/reveal/")
        client.post(f"/staff/people/{heping_worker.pk}/edit/", {"display_name": "张秀兰"})
        raw = database_bytes()
        assert b"v1:" in raw  # the ciphertext is there
        for value in CLEAR_VALUES:
            assert value.encode() not in raw, value
        assert User.objects.get(pk=heping_worker.pk).phone == "13812345678"

    def test_same_value_encrypts_differently_each_time(self) -> None:
        assert crypto.encrypt("13812345678") != crypto.encrypt("13812345678")

    def test_lookup_by_exact_value(self, heping_worker: User) -> None:
        assert User.objects.get_by_phone("138 1234 5678") == heping_worker
        assert User.objects.filter_id_number("210102196803150024").get() == heping_worker

    def test_key_rotation(self, heping_worker: User) -> None:
        old = crypto.keyring()[0]
        new_key = base64.b64encode(os.urandom(32)).decode()
        from django.conf import settings

        with override_settings(LINGONG_FIELD_KEY=f"{new_key},{settings.LINGONG_FIELD_KEY}"):
            assert User.objects.get(pk=heping_worker.pk).phone == "13812345678"  # old key still reads
            call_command("rotate_field_key", stdout=io.StringIO())
            with connection.cursor() as cursor:
                cursor.execute("SELECT phone, id_number FROM accounts_user WHERE id = %s", [heping_worker.pk])
                phone_raw, id_raw = cursor.fetchone()
            assert crypto.is_current(phone_raw) and crypto.is_current(id_raw)
            assert old[0] not in phone_raw
        with override_settings(LINGONG_FIELD_KEY=new_key):  # the old key can now go
            again = User.objects.get(pk=heping_worker.pk)
            assert (again.phone, again.id_number) == ("13812345678", "210102196803150024")
            assert User.objects.get_by_phone("13812345678") == heping_worker
        assert AuditEntry.objects.filter(action=AuditEntry.Action.KEY_ROTATION).exists()


class TestMaskedOnScreen:
    def test_pages_show_masked_values(self, client: Client, heping_staff: User, heping_worker: User) -> None:
        login(client, heping_staff)
        for url in ("/staff/people/", f"/staff/people/{heping_worker.pk}/"):
            page = client.get(url).content.decode()
            assert "138****5678" in page
            assert "13812345678" not in page
            assert "210102196803150024" not in page
        assert "210102********0024" in page

    def test_reveal_shows_full_values_and_is_audited(
        self, client: Client, heping_staff: User, heping_worker: User
    ) -> None:
        login(client, heping_staff)
        response = client.post(
            f"/staff/people/{heping_worker.pk}/reveal/", HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3"
        )
        assert response.status_code == 200
        assert "13812345678" in response.content.decode()
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL).get()
        assert entry.actor == heping_staff
        assert entry.object_id == str(heping_worker.pk)
        assert entry.region_code == "210102"
        assert entry.ip_address == "10.1.2.3"
        assert set(entry.fields) == {"phone", "id_number", "address"}

    def test_clerk_without_permission_cannot_reveal(
        self, client: Client, heping_clerk: User, heping_worker: User
    ) -> None:
        login(client, heping_clerk)
        page = client.get(f"/staff/people/{heping_worker.pk}/").content.decode()
        assert "查看完整信息" not in page
        response = client.post(f"/staff/people/{heping_worker.pk}/reveal/")
        assert response.status_code == 403
        assert "13812345678" not in response.content.decode()
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL).exists()

    def test_api_reveal_needs_permission(
        self, client: Client, heping_clerk: User, heping_worker: User
    ) -> None:
        _t, key = services.issue_api_token(actor=heping_clerk, name="窗口终端")
        response = client.post(
            f"/api/v1/people/{heping_worker.pk}/personal-data", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "personal_data_forbidden"


def test_the_id_numbers_region_digits_are_kept_in_clear_and_follow_a_corrected_id(
    heping_staff: User, heping_worker: User
) -> None:
    # Batch rules (household region) read these six digits without decrypting a million ID numbers.
    assert heping_worker.id_region == heping_worker.id_number[:6] == "210102"
    services.update_person(
        actor=heping_staff, person_id=heping_worker.pk, changes={"id_number": "210106199003070017"}
    )
    assert User.objects.values_list("id_region", flat=True).get(pk=heping_worker.pk) == "210106"
    with connection.cursor() as cursor:  # the rest of the number stays encrypted
        cursor.execute("SELECT id_number FROM accounts_user WHERE id = %s", [heping_worker.pk])
        assert "199003070017" not in cursor.fetchone()[0]


class TestAuditLog:
    def test_change_is_audited_with_fields(self, heping_staff: User, heping_worker: User) -> None:
        services.update_person(
            actor=heping_staff,
            person_id=heping_worker.pk,
            changes={"phone": "13812340000", "address": "新地址"},
        )
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).get()
        assert entry.fields == ["address", "phone"]
        assert "13812340000" not in str(entry.__dict__)

    def test_append_only(self, heping_staff: User, heping_worker: User) -> None:
        services.reveal_personal_data(actor=heping_staff, person_id=heping_worker.pk)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL)
        entry.note = "抹掉"
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.all().delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.update(note="x")

    def test_staff_export_audit_log_of_their_region(
        self, client: Client, heping_staff: User, tiexi_staff: User, heping_worker: User, tiexi_worker: User
    ) -> None:
        services.reveal_personal_data(actor=heping_staff, person_id=heping_worker.pk)
        services.reveal_personal_data(actor=tiexi_staff, person_id=tiexi_worker.pk)
        login(client, heping_staff)
        response = client.get("/staff/audit/export.xlsx")
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[0][0] == "时间"
        regions = {r[5] for r in rows[1:]}
        assert regions <= {"210102", ""}  # nothing from Tiexi
        assert any(r[2] == "查看完整个人信息" for r in rows[1:])
        assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor=heping_staff).exists()

    def test_export_needs_permission(self, heping_clerk: User) -> None:
        from lingong.core.services import export_audit_log

        with pytest.raises(PermissionDenied):
            export_audit_log(actor=heping_clerk)
