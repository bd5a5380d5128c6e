"""Shared fixtures: the personas every access test is written against (STYLE.md)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.models import User
from tsunagu.accounts.services import SESSION_AUTH_AT, SESSION_EPOCH
from tsunagu.accounts.tests.factories import TOTPDeviceFactory, UserFactory
from tsunagu.organizations.models import (
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On PostgreSQL the test connections commit without waiting for the WAL to reach the disk
    (`synchronous_commit=off`, for these connections only): a crash could lose the last
    commits of a test database that is thrown away anyway.  The live server's commits, the
    browser tests' flushes and the demo city's seeding wait less; nothing else changes."""
    from django.db import connections

    for alias in connections:
        params = connections[alias].settings_dict
        if params["ENGINE"] == "django.db.backends.postgresql":
            options = params.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session", autouse=True)
def _private_media_outside_the_tree(tmp_path_factory):
    """Files stored by a test that does not ask for `private_media` (the demo seed stores the
    trainings' handouts) go to a throw-away directory too, never to var/private."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("private-media")
    root.chmod(0o700)
    with override_settings(PRIVATE_MEDIA_ROOT=root):
        yield


# Argon2 is deliberately slow: tests that are not about hashing, and the data they build, hash
# passwords with this instead.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_demo_city() -> str:
    """`manage.py seed_demo` in demo mode with fast password hashing; returns its output."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    out = StringIO()
    with override_settings(DEMO_MODE=True, PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = list(FAST_HASHERS)


@pytest.fixture(autouse=True)
def _site_language(settings):
    """Each test starts in the site's language: a request in English leaves English active in
    the thread (LocaleMiddleware activates it and nothing deactivates it), and the next test's
    service messages would come out in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def private_media(settings, tmp_path):
    """Stored files go to a throw-away directory (the private storage follows the setting)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@dataclass
class Personas:
    office_a: Organization
    office_b: Organization
    core_center: Organization
    city: Organization
    counselor_a: User  # counselor in office A
    colleague_a: User  # colleague in the same office
    reader_a: User  # read-only member of office A
    counselor_b: User  # counselor in another office: the outsider
    core_officer: User
    city_official: User
    admin: User


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


def make_personas() -> Personas:
    """The personas' organizations and users (the `personas` fixture; a module that builds its
    world once, in a transaction of its own, calls it directly)."""
    office_a = OrganizationFactory.create(
        code="office-a", name="相談支援センター あおば", kind=OrganizationKind.COMMISSIONED_OFFICE
    )
    office_b = OrganizationFactory.create(
        code="office-b", name="相談支援センター かえで", kind=OrganizationKind.COMMISSIONED_OFFICE
    )
    core_center = OrganizationFactory.create(
        code="core", name="みどり市基幹相談支援センター", kind=OrganizationKind.CORE_CENTER
    )
    city = OrganizationFactory.create(
        code="city", name="みどり市 障害者支援課", kind=OrganizationKind.CITY_DEPARTMENT
    )

    def member(username: str, org: Organization, job: str, role: str = SystemRole.STAFF) -> User:
        user = UserFactory.create(username=username)
        MembershipFactory.create(user=user, organization=org, job_title=job, role=role)
        return user

    admin = UserFactory.create(username="admin_t", is_superuser=True, is_staff=True)
    MembershipFactory.create(
        user=admin, organization=city, job_title=JobTitle.ADMINISTRATIVE_OFFICER
    )
    return Personas(
        office_a=office_a,
        office_b=office_b,
        core_center=core_center,
        city=city,
        counselor_a=member("counselor_a", office_a, JobTitle.COUNSELOR),
        colleague_a=member("colleague_a", office_a, JobTitle.CONSULTATION_SPECIALIST),
        reader_a=member("reader_a", office_a, JobTitle.COUNSELOR, SystemRole.READ_ONLY),
        counselor_b=member("counselor_b", office_b, JobTitle.COUNSELOR),
        core_officer=member("core_officer", core_center, JobTitle.CAPACITY_BUILDING_OFFICER),
        city_official=member("city_official", city, JobTitle.ADMINISTRATIVE_OFFICER),
        admin=admin,
    )


@contextlib.contextmanager
def built_once(django_db_blocker: Any, media: Path) -> Iterator[None]:
    """For data a module builds once, as Django's TestCase.setUpTestData builds it: a
    transaction of the module's own, rolled back when the module is done.  Each test runs in
    a savepoint inside it (pytest-django's `db`), so every test finds the data exactly as
    built.  Build inside `django_db_blocker.unblock()`; stored files go to `media` (as
    `private_media`), passwords are hashed fast (as `_fast_password_hashing`)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        with override_settings(PRIVATE_MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS):
            yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# What changes from one render of a page to the next (the CSRF token, the request id), masked
# so that two renders of the same page compare equal (the rendering-equality tests).
PAGE_MASKS = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "CSRF"),
    (re.compile(r'request-id">[0-9a-f]+'), "REQUEST-ID"),
]


def masked_page(client: Client, url: str, **headers: str) -> tuple[int, str]:
    """The status and the HTML of `url`, with `PAGE_MASKS` applied."""
    response = client.get(url, headers=headers)
    html = response.content.decode()
    for pattern, mask in PAGE_MASKS:
        html = pattern.sub(mask, html)
    return response.status_code, html


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Sign `client` in as `user` as the sign-in screens would, with 2FA passed."""
    client.force_login(user)
    session = client.session
    session[SESSION_AUTH_AT] = timezone.now().timestamp()
    session[SESSION_EPOCH] = user.session_epoch
    if verified:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).first() or TOTPDeviceFactory.create(user=user)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_as(db):
    """`client_as(user)` gives a fresh, signed-in test client."""

    def make(user: User, *, verified: bool = True) -> Client:
        return sign_in(Client(), user, verified=verified)

    return make


def membership(user: User) -> Membership:
    return Membership.objects.get(user=user, is_primary=True)


# The demo city is the dearest setup of the suite (seed_demo writes the whole city through its
# services).  The modules that read it run one after another (pytest_collection_modifyitems
# below), and the seeded rows stand from the first of them to the last: each module still gets
# the city as seed_demo left it, because every test that reads it runs in its own rolled-back
# transaction, as before.
_DEMO_CITY: dict[str, str] = {}  # "output": seed_demo's output while its rows stand
_NEXT_ITEM = pytest.StashKey[pytest.Item | None]()


def _wants_the_demo_city(item: pytest.Item | None) -> bool:
    return item is not None and "demo_city" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules that ask for the demo city run together, where the first of them ran.

    trylast: after pytest-django has put the database tests first (its own ordering is kept:
    these modules' tests are plain `db` tests).  Within a module the order is unchanged.  A
    module whose first tests do not ask for the city finds an empty database before them, as
    when it ran alone: one such module leads the row, the others close it (each seeds anew).
    """
    modules = {getattr(item, "module", None) for item in items if _wants_the_demo_city(item)}
    if len(modules) < 2:
        return
    of_the_demo = [item for item in items if getattr(item, "module", None) in modules]
    first = items.index(of_the_demo[0])
    leading: dict[object, bool] = {}
    for item in of_the_demo:
        leading.setdefault(item.module, _wants_the_demo_city(item))  # type: ignore[attr-defined]
    order = list(leading)
    empty_first = [m for m in order if not leading[m]]
    ranked = empty_first[:1] + [m for m in order if leading[m]] + empty_first[1:]
    rank = {module: n for n, module in enumerate(ranked)}
    of_the_demo.sort(key=lambda item: rank[item.module])  # type: ignore[attr-defined]
    others = [item for item in items if getattr(item, "module", None) not in modules]
    items[:] = others[:first] + of_the_demo + others[first:]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Tell the demo city's teardown which test comes next (it runs during this teardown)."""
    item.session.stash[_NEXT_ITEM] = nextitem


@pytest.fixture(scope="module")
def demo_city(request, django_db_setup, django_db_blocker):
    """The demo city (`manage.py seed_demo`), seeded for the modules that ask for it.

    Seeding takes seconds; the tests that read it only read, and each still runs in its own
    rolled-back transaction.  The rows are removed when the last module in a row that asks for
    it is done (the modules run together: pytest_collection_modifyitems), so that the next
    module starts from an empty database as usual.
    """
    from django.core.management import call_command

    if "output" not in _DEMO_CITY:
        with django_db_blocker.unblock():
            _DEMO_CITY["output"] = seed_demo_city()
    yield _DEMO_CITY["output"]
    if _wants_the_demo_city(request.session.stash.get(_NEXT_ITEM, None)):
        return  # the next module reads the same city from its first test
    del _DEMO_CITY["output"]
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
