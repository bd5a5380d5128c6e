from __future__ import annotations

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory


def test_before_the_second_factor_the_frame_shows_no_name_organization_or_menu(
    personas, client_as, settings
):
    settings.REQUIRE_2FA_FOR_ALL = True
    client = client_as(personas.counselor_a, verified=False)
    page = client.get("/accounts/account/2fa/setup/").content.decode()
    assert "2段階認証の確認が必要です" in page
    assert personas.counselor_a.full_name not in page
    assert personas.office_a.name not in page
    assert 'aria-label="メインメニュー"' not in page
    assert "サインアウト" in page


def test_a_user_who_need_not_use_2fa_gets_the_menu(personas, client_as, settings):
    settings.REQUIRE_2FA_FOR_ALL = False
    page = client_as(personas.counselor_a, verified=False).get("/").content.decode()
    assert 'aria-label="メインメニュー"' in page
    assert "2段階認証の確認が必要です" not in page


def test_only_administrators_see_the_administration_menu(personas, client_as):
    assert "監査ログ" not in client_as(personas.core_officer).get("/").content.decode()
    page = client_as(personas.admin).get("/").content.decode()
    assert "監査ログ" in page
    assert "基本データ管理" in page


def test_signed_in_user_visiting_sign_in_goes_to_next(personas, client_as):
    response = client_as(personas.admin).get("/accounts/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_viewing_the_audit_log_is_itself_audited(personas, client_as):
    client_as(personas.admin).get("/audit/?action=auth.login")
    event = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED).get()
    assert event.actor == personas.admin
    assert event.detail["query"] == "action=auth.login"


def test_only_network_members_see_the_expertise_directory_in_the_menu(personas, client_as):
    link = '<a href="/expertise/">専門性の一覧</a>'
    for user in (personas.counselor_a, personas.core_officer, personas.city_official):
        assert link in client_as(user).get("/").content.decode(), user.username
    hospital = OrganizationFactory.create(kind=OrganizationKind.HOSPITAL)
    doctor = MembershipFactory.create(organization=hospital, job_title="other").user
    assert "/expertise/" not in client_as(doctor).get("/").content.decode()
