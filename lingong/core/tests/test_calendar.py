"""Working days: chinese_calendar for 2004-2026, staff rows after that, provisional answers otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import Role
from lingong.conftest import make_user
from lingong.core import reference
from lingong.core.calendar import add_working_days, is_workday, working_days_between, year_is_known
from lingong.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date


class TestKnownYears:
    def test_seven_working_days_over_national_day(self) -> None:
        deadline = add_working_days(D(2026, 9, 30), 7)
        assert (deadline.date, deadline.provisional) == (D(2026, 10, 15), False)

    def test_seven_working_days_over_spring_festival(self) -> None:
        deadline = add_working_days(D(2026, 2, 13), 7)
        assert (deadline.date, deadline.provisional) == (D(2026, 3, 2), False)

    def test_holidays_and_make_up_days(self) -> None:
        assert not is_workday(D(2026, 10, 1)).workday
        assert is_workday(D(2026, 10, 10)).workday  # Saturday worked for the National Day holiday
        assert not is_workday(D(2026, 10, 11)).workday
        assert is_workday(D(2026, 10, 12)) == is_workday(D(2026, 10, 12))
        assert not is_workday(D(2026, 10, 12)).provisional

    def test_zero_days_and_negative_days(self) -> None:
        assert add_working_days(D(2026, 10, 3), 0).date == D(2026, 10, 3)
        with pytest.raises(ValueError):
            add_working_days(D(2026, 10, 3), -1)

    def test_working_days_between(self) -> None:
        count = working_days_between(D(2026, 9, 30), D(2026, 10, 15))
        assert (count.days, count.provisional) == (7, False)
        assert working_days_between(D(2026, 10, 15), D(2026, 9, 30)).days == -7
        assert working_days_between(D(2026, 10, 1), D(2026, 10, 1)).days == 0


class TestUnpublishedYears:
    @pytest.mark.parametrize("year", [2027, 2030, 2100])
    def test_weekday_rule_is_provisional_and_never_fails(self, year: int) -> None:
        monday = D(year, 3, 1) + dt.timedelta(days=-D(year, 3, 1).weekday() % 7)
        status = is_workday(monday)
        assert (status.workday, status.provisional) == (True, True)
        assert not is_workday(monday + dt.timedelta(days=5)).workday
        deadline = add_working_days(monday, 7)
        assert (deadline.date, deadline.provisional) == (monday + dt.timedelta(days=9), True)

    def test_before_2004_is_answered_too(self) -> None:
        assert is_workday(D(1999, 6, 1)).provisional

    def test_deadline_running_into_an_unpublished_year_is_provisional(self) -> None:
        deadline = add_working_days(D(2026, 12, 28), 7)
        assert deadline.provisional
        assert not add_working_days(D(2026, 12, 21), 3).provisional


class TestStaffEntries:
    def test_a_staff_edit_changes_the_answer_at_once(self) -> None:
        assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 15)  # warms the cache
        day = CalendarDay.objects.create(date=D(2026, 10, 15), is_workday=False, name="临时放假")
        assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 16)
        day.delete()
        assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 15)

    def test_a_day_entered_in_the_back_office_counts(self, client: Client) -> None:
        admin = make_user(role=Role.ADMIN, region=None, phone="13900000009", name="管理员", is_superuser=True)
        client.force_login(admin)
        assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 15)
        response = client.post("/admin/core/calendarday/add/", {"date": "2026-10-14", "name": "临时放假"})
        assert response.status_code == 302, response.content.decode()
        assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 16)
        assert "周三" in client.get("/admin/core/calendarday/").content.decode()

    def test_an_edit_is_seen_after_commit(self, django_capture_on_commit_callbacks: Any) -> None:
        assert is_workday(D(2026, 11, 30)).workday
        with django_capture_on_commit_callbacks(execute=True):
            CalendarDay.objects.create(date=D(2026, 11, 30), is_workday=False, name="测试")
        assert not is_workday(D(2026, 11, 30)).workday

    def test_an_entered_year_is_no_longer_provisional(self) -> None:
        assert is_workday(D(2027, 3, 1)).provisional
        CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
        CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
        assert is_workday(D(2027, 3, 1)) == is_workday(D(2027, 3, 2))
        assert not is_workday(D(2027, 3, 1)).provisional
        deadline = add_working_days(D(2026, 12, 31), 1)
        assert (deadline.date, deadline.provisional) == (D(2027, 1, 4), False)
        assert is_workday(D(2028, 3, 1)).provisional
        assert year_is_known(2026) and year_is_known(2027) and not year_is_known(2028)

    def test_rows_win_over_chinese_calendar(self) -> None:
        CalendarDay.objects.create(date=D(2026, 10, 1), is_workday=True, name="测试：改为上班")
        status = is_workday(D(2026, 10, 1))
        assert (status.workday, status.provisional) == (True, False)


class TestCacheAndLoader:
    def test_a_warm_cache_needs_no_query(self, django_assert_num_queries: Any) -> None:
        add_working_days(D(2026, 9, 30), 7)
        with django_assert_num_queries(0):
            add_working_days(D(2026, 2, 13), 7)
            is_workday(D(2027, 5, 6))

    def test_loading_the_calendar_is_idempotent(self) -> None:
        before = (CalendarDay.objects.count(), CalendarYear.objects.count())
        assert reference.load_calendar(CalendarDay, CalendarYear) == reference.load_calendar(
            CalendarDay, CalendarYear
        )
        assert (CalendarDay.objects.count(), CalendarYear.objects.count()) == before

    def test_shipped_rows_only_cover_years_chinese_calendar_does_not_know(self) -> None:
        assert all(row["date"] >= "2027" for row in reference.read_rows("calendar.csv"))
