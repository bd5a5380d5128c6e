"""Motivating moments that travel: shared with a provider on the team only on the person's
consent (and gone when the consent is withdrawn); rewritten for the council, where the
person's name in any script (kanji, hiragana, katakana, half-width katakana, romaji) blocks
publication; quoted on the council pages and in the annual report; shown on the plan; and 404
for outsiders on every object URL, on the screens and in the API."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import Invalid
from tsunagu.meetings.deidentify import IdentifiersLeft
from tsunagu.moments import services
from tsunagu.moments.models import CouncilMoment, MomentShare
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.people.models import Consent, ConsentPurpose
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory
from tsunagu.plans.tests.factories import SupportPlanFactory
from tsunagu.records.models import ProgressNote
from tsunagu.records.tests.factories import ProgressNoteFactory
from tsunagu.reports.annual import layout
from tsunagu.reports.figures import annual_figures
from tsunagu.reports.models import AnnualReport

pytestmark = pytest.mark.django_db

MOMENT = "山田太郎さんは、作業所で自分の描いた絵が飾られたとき、初めて笑顔で話した。"
CLEAN = "作業所で自分の描いた絵が飾られたとき、本人が初めて笑顔で話した。"
LESSON = "好きなことが人に認められる場面を、日々の支援でつくる。"


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@dataclass
class World:
    note: ProgressNote
    provider: Organization
    provider_staff: object


@pytest.fixture
def world(personas) -> World:
    person = PersonFactory.create(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    provider = OrganizationFactory.create(
        code="hidamari", name="生活介護 ひだまり", kind=OrganizationKind.SERVICE_PROVIDER
    )
    staff = UserFactory.create(username="hidamari_staff")
    MembershipFactory.create(user=staff, organization=provider)
    TeamMemberFactory.create(
        case=case,
        organization=provider,
        role=TeamRole.SERVICE,
        basis=SharingBasis.STATUTORY_MEETING,
        added_by=personas.counselor_a,
    )
    note = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        author_organization=personas.office_a,
        is_motivating_moment=True,
        motivating_moment=MOMENT,
    )
    return World(note=note, provider=provider, provider_staff=staff)


def _consent(personas, world, purposes) -> Consent:
    return ConsentFactory.create(
        person=world.note.case.person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=[world.provider, personas.office_a],
        purposes=purposes,
    )


def test_a_moment_travels_to_the_provider_only_on_consent(personas, world, client_as):
    actor = actor_as(personas.counselor_a, personas.office_a)
    with pytest.raises(Invalid):  # no consent
        services.moment_share(actor, note=world.note, organization=world.provider)
    _consent(personas, world, [ConsentPurpose.SHARING])
    with pytest.raises(Invalid):  # a consent for another purpose is not enough
        services.moment_share(actor, note=world.note, organization=world.provider)
    with pytest.raises(Invalid):  # only a provider on the team
        services.moment_share(actor, note=world.note, organization=personas.office_b)
    consent = _consent(personas, world, [ConsentPurpose.MOTIVATING_MOMENTS])
    marker = _last()
    share = services.moment_share(
        actor,
        note=world.note,
        organization=world.provider,
        message="個別支援計画に生かしてください",
    )
    assert share.consent == consent
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_CREATED, target_type="moments.momentshare"
    ).exists()
    provider = client_as(world.provider_staff)
    shared = provider.get(reverse("moments:shared_with_us")).content.decode()
    assert MOMENT in shared
    # Withdrawn, the consent no longer carries it.
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    assert MOMENT not in provider.get(reverse("moments:shared_with_us")).content.decode()


NAMES = ["山田太郎", "やまだたろう", "ヤマダタロウ", "ﾔﾏﾀﾞﾀﾛｳ", "Yamada Taro", "taro yamada"]


@pytest.mark.parametrize("name", NAMES)
def test_the_persons_name_in_any_script_blocks_the_council(personas, world, name):
    actor = actor_as(personas.counselor_a, personas.office_a)
    moment = services.council_moment_write(
        actor, note=world.note, text=f"{name}さんが、描いた絵が飾られて初めて笑顔で話した。"
    )
    with pytest.raises(IdentifiersLeft) as caught:
        services.council_moment_publish(actor, moment=moment)
    assert any(f.kind.startswith("name") or "名" in f.label for f in caught.value.flags)
    moment.refresh_from_db()
    assert not moment.is_published


def test_a_moment_reaches_the_council_de_identified(personas, world, client_as):
    actor = actor_as(personas.counselor_a, personas.office_a)
    moment = services.council_moment_write(actor, note=world.note, text=MOMENT)
    with pytest.raises(IdentifiersLeft):
        services.council_moment_publish(actor, moment=moment)
    moment = services.council_moment_write(actor, note=world.note, text=CLEAN, lesson=LESSON)
    services.council_moment_publish(actor, moment=moment)
    with pytest.raises(Invalid):  # published stays as it was
        services.council_moment_write(actor, note=world.note, text="書き換え")
    # Any member of the network reads the council pages; the text carries no name.
    other = client_as(personas.counselor_b)
    council = other.get(reverse("moments:council_moments")).content.decode()
    assert CLEAN in council
    assert "山田" not in council
    issues = other.get(reverse("meetings:council_issues")).content.decode()
    assert CLEAN in issues
    # The annual report quotes it.
    year = fiscal_year(timezone.localdate())
    doc = layout(
        AnnualReport(organization=personas.core_center, fiscal_year=year),
        annual_figures(personas.core_center, year),
    )
    assert any(CLEAN in b.text for b in doc.blocks)
    # The plan shows the moments it builds on.
    plan = SupportPlanFactory.create(
        case=world.note.case, author=personas.counselor_a, author_organization=personas.office_a
    )
    page = client_as(personas.counselor_a).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert "この計画のもとにした心の動く場面" in page.content.decode()
    assert MOMENT in page.content.decode()


def _api(client, user, org, method, path, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def test_api_twins(personas, world, client):
    a, office = personas.counselor_a, personas.office_a
    _consent(personas, world, [ConsentPurpose.MOTIVATING_MOMENTS])
    note = world.note.pk
    answer = _api(
        client,
        a,
        office,
        "POST",
        f"/api/v1/moments/notes/{note}/shares",
        {"organization_id": world.provider.pk},
    )
    assert answer.status_code == 201, answer.content
    received = _api(client, world.provider_staff, world.provider, "GET", "/api/v1/moments/shared")
    assert received.json()["results"][0]["moment"] == MOMENT
    answer = _api(
        client, a, office, "PUT", f"/api/v1/moments/notes/{note}/council", {"text": MOMENT}
    )
    assert answer.status_code == 200
    moment_id = answer.json()["id"]
    flagged = _api(client, a, office, "POST", f"/api/v1/moments/council/{moment_id}/publish")
    assert flagged.status_code == 422
    assert flagged.json()["error"]["flags"]
    _api(client, a, office, "PUT", f"/api/v1/moments/notes/{note}/council", {"text": CLEAN})
    published = _api(client, a, office, "POST", f"/api/v1/moments/council/{moment_id}/publish")
    assert published.status_code == 200
    council = _api(
        client, personas.counselor_b, personas.office_b, "GET", "/api/v1/moments/council"
    )
    assert [m["text"] for m in council.json()["results"]] == [CLEAN]
    detail = _api(client, a, office, "GET", f"/api/v1/moments/notes/{note}").json()
    assert detail["council"]["status"] == "published"
    share_id = detail["shares"][0]["id"]
    stopped = _api(client, a, office, "POST", f"/api/v1/moments/shares/{share_id}/stop")
    assert stopped.status_code == 200
    assert MomentShare.objects.get(pk=share_id).stopped_at is not None
    for bad in (
        {"organization_id": 2**63},
        {"organization_id": "x"},
        '"a string"',
        {"organization_id": world.provider.pk, "message": "\ud800"},
    ):
        assert _api(
            client, a, office, "POST", f"/api/v1/moments/notes/{note}/shares", bad
        ).status_code in (400, 422)
    assert _api(client, a, office, "GET", f"/api/v1/moments/notes/{2**63}").status_code == 404


def test_outsider_gets_404_everywhere(personas, world, client_as, client):
    actor = actor_as(personas.counselor_a, personas.office_a)
    _consent(personas, world, [ConsentPurpose.MOTIVATING_MOMENTS])
    share = services.moment_share(actor, note=world.note, organization=world.provider)
    moment = services.council_moment_write(actor, note=world.note, text=CLEAN)
    outsider = client_as(personas.counselor_b)
    note = world.note.pk
    for url in (
        reverse("moments:moment_detail", args=[note]),
        reverse("moments:moment_share", args=[note]),
        reverse("moments:council_write", args=[note]),
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        reverse("moments:share_stop", args=[share.pk]),
        reverse("moments:council_publish", args=[moment.pk]),
    ):
        assert outsider.post(url).status_code == 404, url
    b, office_b = personas.counselor_b, personas.office_b
    for method, path, body in (
        ("GET", f"/api/v1/moments/notes/{note}", None),
        ("POST", f"/api/v1/moments/notes/{note}/shares", {"organization_id": world.provider.pk}),
        ("PUT", f"/api/v1/moments/notes/{note}/council", {"text": CLEAN}),
        ("POST", f"/api/v1/moments/shares/{share.pk}/stop", None),
        ("POST", f"/api/v1/moments/council/{moment.pk}/publish", None),
    ):
        assert _api(client, b, office_b, method, path, body).status_code == 404, path
    assert not CouncilMoment.objects.get(pk=moment.pk).is_published
    # The provider reads what it received, never the note's moment page.
    provider = client_as(world.provider_staff)
    assert provider.get(reverse("moments:shared_with_us")).status_code == 200


def test_screens_share_write_and_publish(personas, world, client_as):
    _consent(personas, world, [ConsentPurpose.MOTIVATING_MOMENTS])
    client = client_as(personas.counselor_a)
    note = world.note.pk
    page = client.get(reverse("moments:moment_detail", args=[note]))
    assert page.status_code == 200
    assert (
        client.post(
            reverse("moments:moment_share", args=[note]), {"organization": 2**63}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("moments:moment_share", args=[note]), {"organization": world.provider.pk}
        ).status_code
        == 302
    )
    assert (
        client.post(reverse("moments:council_write", args=[note]), {"text": MOMENT}).status_code
        == 302
    )
    moment = CouncilMoment.objects.get(note_id=note)
    flagged = client.get(reverse("moments:moment_detail", args=[note])).content.decode()
    assert "<mark>" in flagged
    client.post(reverse("moments:council_publish", args=[moment.pk]))
    moment.refresh_from_db()
    assert not moment.is_published
    client.post(reverse("moments:council_write", args=[note]), {"text": CLEAN})
    client.post(reverse("moments:council_publish", args=[moment.pk]))
    moment.refresh_from_db()
    assert moment.is_published
    reader = client_as(personas.reader_a)
    assert (
        reader.post(reverse("moments:council_write", args=[note]), {"text": CLEAN}).status_code
        == 403
    )
