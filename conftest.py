"""Shared fixtures: the personas every access test is written against (STYLE.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass

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


@pytest.fixture(scope="session", autouse=True)
def _private_media_outside_the_tree(tmp_path_factory):
    """Files stored by a test that does not ask for `private_media` (the demo seed stores the
    trainings' handouts) go to a throw-away directory too, never to var/private."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("private-media")
    root.chmod(0o700)
    with override_settings(PRIVATE_MEDIA_ROOT=root):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city (`manage.py seed_demo`), seeded once for the module that asks for it.

    Seeding takes seconds; the tests that read it only read, and each still runs in its own
    rolled-back transaction.  The rows are removed when the module is done, so that the next
    module starts from an empty database as usual.
    """
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    out = StringIO()
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as _fast_password_hashing
    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True, PASSWORD_HASHERS=fast):
        call_command("seed_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
