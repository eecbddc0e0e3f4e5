"""`lingong demo` makes believable, valid, recognisably synthetic people, the same for the same seed."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lingong.accounts.models import Role, User
from lingong.accounts.services import authenticate_phone
from lingong.core.fields import lookup_value
from lingong.core.identity import validate_credit_code, validate_phone, validate_resident_id
from lingong.core.models import Division, Occupation
from lingong.demo import generate
from lingong.demo.generate import DEMO_LOGINS, counties_of

pytestmark = pytest.mark.django_db


def demo(**options: Any) -> str:
    out = io.StringIO()
    options = {"workers": 200, "employers": 20, "gigs": 5, "region": "210100", "seed": 3, **options}
    call_command("demo", verbosity=0, stdout=out, **options)
    return out.getvalue()


def workers() -> list[User]:
    return list(User.objects.filter(role=Role.WORKER).exclude(phone_index=_login_index()).order_by("pk"))


def _login_index() -> str:
    return lookup_value(User, "phone", DEMO_LOGINS[4][1])


class TestPeople:
    def test_counts(self, shenyang: dict[str, Division]) -> None:
        output = demo()
        assert len(workers()) == 200
        employers = User.objects.filter(role=Role.EMPLOYER)
        assert employers.count() == 20 + 1  # and the demo employer login
        assert employers.filter(employer_kind=User.EmployerKind.ENTERPRISE).count() == 12 + 1
        assert employers.filter(employer_kind=User.EmployerKind.INDIVIDUAL).count() == 8
        assert "灵活就业人员：新建 200 人" in output

    def test_every_person_is_valid_synthetic_and_inside_the_region(
        self, shenyang: dict[str, Division]
    ) -> None:
        demo()
        people = User.objects.filter(role__in=[Role.WORKER, Role.EMPLOYER])
        counties = {c.code for c in counties_of(shenyang["shenyang"])}
        assert {"210102", "210106"} <= counties  # with or without the full reference data loaded
        assert {p.region_id for p in people} <= counties  # Shenyang's counties, not Dalian's
        assert len({p.region_id for p in workers()}) > 1
        for person in people:
            assert validate_phone(person.phone).startswith("17")
            assert person.display_name and person.address.startswith("辽宁省沈阳市")
            assert not person.has_usable_password() or person.phone in {p for _l, p, _pw in DEMO_LOGINS}
            if person.employer_kind == User.EmployerKind.ENTERPRISE:
                validate_credit_code(person.credit_code)
                assert person.credit_code[2:8] == person.region_id
                assert person.credit_code[8:10] == "YY"
                assert person.display_name.startswith("沈阳市") and person.display_name.endswith("有限公司")
                continue
            rid = validate_resident_id(person.id_number)
            assert rid.region_code == person.region_id
            assert person.id_number[14] == "9"  # the synthetic sequence code 9xx
            assert (rid.birth_date, rid.sex) == (person.birth_date, person.sex)
            assert 1960 <= rid.birth_date.year <= 2006
            assert person.real_name_verified
        ids = [p.id_number for p in workers()]
        assert len(set(ids)) == len(ids)
        assert all(p.phone.startswith("171") for p in workers())

    def test_same_seed_same_people(self, shenyang: dict[str, Division]) -> None:
        counties = counties_of(shenyang["shenyang"])
        first = list(generate.people(seed=5, counties=counties, count=50))
        assert list(generate.people(seed=5, counties=counties, count=50)) == first
        assert list(generate.people(seed=5, counties=counties, count=80))[:50] == first
        assert list(generate.people(seed=6, counties=counties, count=50)) != first

    def test_running_again_adds_nobody_and_more_extends(self, shenyang: dict[str, Division]) -> None:
        demo(workers=100)
        before = [(p.pk, p.id_number, p.phone) for p in workers()]
        output = demo(workers=100)
        assert "新建 0 人，跳过已存在 100 人" in output
        assert "演示账号：已存在" in output
        demo(workers=150)
        after = [(p.pk, p.id_number, p.phone) for p in workers()]
        assert len(after) == 150
        assert after[:100] == before

    def test_another_seed_adds_new_people(self, shenyang: dict[str, Division]) -> None:
        demo(workers=100)
        demo(workers=100, seed=4)
        assert 195 <= len(workers()) <= 200  # the rare clash with an existing phone or ID is skipped

    def test_county_region(self, shenyang: dict[str, Division]) -> None:
        demo(region="210106", workers=30, employers=0)
        assert {p.region_id for p in workers()} == {"210106"}
        assert all(p.address.startswith("辽宁省沈阳市铁西区") for p in workers())


class TestLogins:
    def test_demo_logins_can_log_in(self, shenyang: dict[str, Division]) -> None:
        demo(workers=0, employers=0)
        for _label, phone, password in DEMO_LOGINS:
            assert authenticate_phone(phone=phone, password=password).phone == phone

    def test_roles_and_permissions(self, shenyang: dict[str, Division]) -> None:
        demo(workers=0, employers=0)
        admin, city, county, supervisor, worker, employer = (
            User.objects.get_by_phone(p) for _l, p, _pw in DEMO_LOGINS
        )
        assert admin.is_superuser and admin.is_staff
        assert (city.role, city.region_id, city.is_staff) == (Role.STAFF, "210100", True)
        assert city.has_perm("accounts.view_personal_data") and city.has_perm("core.view_auditentry")
        assert city.has_perm("core.change_calendarday")
        assert city.has_perm("policy.add_parametervalue") and city.has_perm("matching.add_weightset")
        assert county.has_perm("training.add_trainingcourse") and not county.has_perm(
            "matching.add_weightset"
        )
        assert (county.role, county.region_id) == (Role.STAFF, "210102")
        assert county.has_perm("accounts.change_user") and not county.has_perm("accounts.view_personal_data")
        assert supervisor.role == Role.SUPERVISOR and supervisor.is_staff
        assert worker.role == Role.WORKER and validate_resident_id(worker.id_number)
        assert employer.employer_kind == User.EmployerKind.ENTERPRISE and validate_credit_code(
            employer.credit_code
        )

    def test_training_courses_once_and_pushed_kinds(self, shenyang: dict[str, Division]) -> None:
        from lingong.training.models import TrainingCourse

        output = demo(workers=0, employers=0)
        courses = TrainingCourse.objects.filter(region_id="210100")
        assert courses.count() >= 3 and "培训课程与创业服务：新建" in output
        assert {"skills", "startup_training", "startup_guidance"} <= set(
            courses.values_list("kind", flat=True)
        )
        demo(workers=0, employers=0)
        assert TrainingCourse.objects.count() == courses.count()

    def test_registrations_once_and_policy_finds_people_among_them(
        self, shenyang: dict[str, Division], django_capture_on_commit_callbacks: Any
    ) -> None:
        from lingong.policy import runs
        from lingong.policy.models import PolicyNotice
        from lingong.registration.models import EmploymentRegistration, Push

        with django_capture_on_commit_callbacks(execute=True):
            output = demo(workers=80, employers=0)
        registered = EmploymentRegistration.objects.filter(status="registered")
        assert registered.count() == 30 and "灵活就业登记：30 人" in output
        assert Push.objects.filter(employment__in=registered).exists()
        with django_capture_on_commit_callbacks(execute=True):
            demo(workers=0, employers=0)
        assert EmploymentRegistration.objects.count() == 30
        # Staff's first 政策找人 run over the demo city has people to show.
        staff = User.objects.get(phone_index=lookup_value(User, "phone", DEMO_LOGINS[1][1]))
        with django_capture_on_commit_callbacks(execute=True):
            run = runs.start_run(actor=staff, region_code="210100")
        run.refresh_from_db()
        assert run.status == "done" and run.processed == run.total >= 30
        assert PolicyNotice.objects.filter(run=run).exists()

    def test_demo_password_passes_the_validators(self) -> None:
        from django.contrib.auth.password_validation import validate_password

        for _label, _phone, password in DEMO_LOGINS:
            validate_password(password)


class TestCommand:
    def test_unknown_region(self, shenyang: dict[str, Division]) -> None:
        with pytest.raises(CommandError, match="找不到行政区划代码“999999”"):
            demo(region="999999")
        assert not User.objects.exists()

    def test_region_without_counties(self, shenyang: dict[str, Division]) -> None:
        Division.objects.create(code="990000", name="测试省", level=Division.Level.PROVINCE)
        with pytest.raises(CommandError, match="没有县级区划"):
            demo(region="990000")

    def test_fills_the_market_through_its_own_services(self, shenyang: dict[str, Division]) -> None:
        from lingong.market.models import Engagement, GigPost, WorkerProfile
        from lingong.market.selectors.posts import GigFilters, search_gigs

        out = demo(workers=20, employers=6, gigs=15)
        assert "零工招聘：发布 15 条" in out
        assert WorkerProfile.objects.count() == User.objects.filter(role="worker").count()
        open_posts = GigPost.objects.filter(status="published").count()
        assert GigPost.objects.filter(status__in=["published", "filled"]).count() == 18  # with 3 demo matches
        assert search_gigs(GigFilters()).count == open_posts  # indexed for search like any other post
        hired = Engagement.objects.filter(status="confirmed").count()
        assert hired > 0 and f"确认录用 {hired} 人次" in out  # a history for the outcome figures
        again = demo(workers=20, employers=6, gigs=15)
        assert "零工招聘：发布 0 条" in again and "确认录用 0 人次" in again  # a rerun adds nothing

    def test_refuses_production(self, shenyang: dict[str, Division], settings: Any) -> None:
        settings.PRODUCTION = True
        with pytest.raises(CommandError, match="生产环境"):
            demo()


class TestProfileGenerators:
    def test_location_near_the_county_centre(self) -> None:
        county = Division(code="210102", name="和平区", level="county", longitude=123.42, latitude=41.79)
        rng = random.Random(1)
        for _ in range(200):
            location = generate.location_near(rng, county, km=5)
            assert location is not None
            lon, lat = location
            assert abs(lat - 41.79) * 111 <= 5.01
            assert abs(lon - 123.42) * 111.32 * 0.747 <= 5.01
        assert generate.location_near(rng, Division(code="210106", name="铁西区", level="county")) is None

    def test_skills_come_from_flexible_work_occupations(self) -> None:
        # With or without the occupation catalogue loaded.
        Occupation.objects.get_or_create(
            code="4-10-01-01", defaults={"name": "家政服务员", "common_in_flexible_work": True}
        )
        pool = generate.flexible_occupations()
        common = Occupation.objects.filter(common_in_flexible_work=True)
        assert pool and pool == sorted(common.values_list("code", flat=True))
        rng = random.Random(2)
        samples = [generate.sample_skills(rng, pool) for _ in range(100)]
        assert all(1 <= len(s) <= 3 and len(set(s)) == len(s) and set(s) <= set(pool) for s in samples)
        assert generate.sample_skills(rng, ["4-10-01-01"]) == ["4-10-01-01"]
        assert generate.sample_skills(rng, []) == []


class TestDemoMatches:
    # Profiles are generated, so walkers with a 15-minute budget, hourly wage expectations and evening-only
    # hours all occur: whatever the demo worker got, the matches must fit it.
    @pytest.mark.parametrize("seed", [3, 4, 5, 6, 7, 8])
    def test_the_demo_worker_gets_recommendations_and_the_employer_sees_them(
        self, shenyang: dict[str, Division], seed: int
    ) -> None:
        from lingong.matching.selectors import gigs_for_worker, workers_for_gig

        output = demo(workers=20, employers=5, gigs=5, seed=seed)
        assert "为演示账号准备的匹配岗位：3 条" in output
        worker = User.objects.get_by_phone(DEMO_LOGINS[4][1])
        employer = User.objects.get_by_phone(DEMO_LOGINS[5][1])
        found = gigs_for_worker(worker)
        mine = [g for g in found if g.post.employer_id == employer.pk]
        assert len(mine) == 3
        _post, candidates = workers_for_gig(employer, post_id=mine[0].post.pk)
        assert worker.pk in [c.worker_id for c in candidates]
        assert "为演示账号准备的匹配岗位：0 条" in demo(workers=20, employers=5, gigs=5, seed=seed)
