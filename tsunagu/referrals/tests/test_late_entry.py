"""Late entry (後日入力) of a joint-support request: the day it was really made (by phone, on
paper) on the form (和暦 or 西暦) and in the API; bounded; audited when older than the setting;
shown beside the day it was entered; counted in the statistics by its own day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.late_entry import ACTION_LATE_ENTRY
from tsunagu.audit.models import AuditEvent
from tsunagu.core.dates import fiscal_year
from tsunagu.referrals.models import Referral
from tsunagu.referrals.statistics import joint_support_table, period
from tsunagu.referrals.tests.test_screens import _form

pytestmark = pytest.mark.django_db


def _auth(user, org):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}


def _payload(personas, world, **overrides):
    body = {
        "case_id": world.case.pk,
        "kind": "joint_support",
        "receiving_organization_id": personas.core_center.pk,
        "reason": "見立てが定まらない。",
        "request_text": "ケース会議への同席。",
        "summary_text": "40代男性。",
        "basis": "consent",
        "consent_id": world.consent.pk,
    }
    body.update(overrides)
    return body


def test_the_form_takes_an_era_date_and_shows_both_days(personas, world, client_as):
    client = client_as(personas.counselor_a)
    url = f"/referrals/cases/{world.case.pk}/new/"
    assert "依頼日（後日入力のとき）" in client.get(url).content.decode()
    day = timezone.localdate() - dt.timedelta(days=20)
    era_text = f"R{day.year - 2018}.{day.month}.{day.day}"
    response = client.post(url, _form(personas, world, requested_on=era_text))
    assert response.status_code == 302, response.content.decode()
    referral = Referral.objects.get()
    assert timezone.localtime(referral.requested_at).date() == day
    assert referral.created_at.date() >= timezone.now().date() - dt.timedelta(days=1)
    late = AuditEvent.objects.get(action=ACTION_LATE_ENTRY)
    assert late.target_id == str(referral.pk)
    assert late.detail["own_date"] == day.isoformat()
    assert late.detail["days_late"] == 20
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "後日入力" in page
    # Counted on its own day: in that day's fiscal year, and not at all before that day.
    year = fiscal_year(day)
    assert joint_support_table(period(year, timezone.localdate())).total == 1
    if day - dt.timedelta(days=1) >= dt.date(year, 4, 1):
        assert joint_support_table(period(year, day - dt.timedelta(days=1))).total == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999-01-01", "99999年は日付として扱えません。"),
        ("令和5年2月30日", "令和5年2月30日はありません。"),
        ("1999-12-31", "依頼日は平成12年4月1日（2000-04-01）以降にしてください。"),
        ("2099-01-01", "依頼日に未来の日付は指定できません。"),
        ("きのう", "日付として読めません。"),
    ],
)
def test_bad_days_are_refused_in_japanese(value, message, personas, world, client_as):
    client = client_as(personas.counselor_a)
    url = f"/referrals/cases/{world.case.pk}/new/"
    response = client.post(url, _form(personas, world, requested_on=value))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_the_api_twin(personas, world, client):
    auth = _auth(personas.counselor_a, personas.office_a)
    day = timezone.localdate() - dt.timedelta(days=3)
    created = client.post(
        "/api/v1/referrals",
        _payload(personas, world, requested_on=day.isoformat()),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    referral = Referral.objects.get()
    assert timezone.localtime(referral.requested_at).date() == day
    # Three days is within the setting (7): shown as late, but no audit row of its own.
    assert not AuditEvent.objects.filter(action=ACTION_LATE_ENTRY).exists()
    for bad, status in [
        ("1999-03-31", 422),
        ((timezone.localdate() + dt.timedelta(days=1)).isoformat(), 422),
        ("99999-01-01", 422),
    ]:
        response = client.post(
            "/api/v1/referrals",
            _payload(personas, world, requested_on=bad),
            content_type="application/json",
            **auth,
        )
        assert response.status_code == status, (bad, response.content)
        assert "error" in response.json()
    draft = client.post(
        "/api/v1/referrals",
        _payload(personas, world, requested_on=day.isoformat(), send=False),
        content_type="application/json",
        **auth,
    )
    assert draft.status_code == 422
    assert "送信するとき" in draft.json()["error"]["message"]
    assert Referral.objects.count() == 1
