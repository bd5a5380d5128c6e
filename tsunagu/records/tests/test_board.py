"""The case's message board: team only, replies one level deep, @mentions that reach the bell,
attachments checked like a note's, every read audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases.models import CaseTeamMember
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.records.models import BoardAttachment, BoardMessage
from tsunagu.records.tests.factories import minimal_pdf

pytestmark = pytest.mark.django_db


def _board(case_id: int) -> str:
    return f"/records/cases/{case_id}/board/"


def _post(client, case_id: int, **data):
    return client.post(_board(case_id), data)


def test_a_mention_reaches_the_colleague_on_the_team(personas, world, client_as):
    author = client_as(personas.counselor_a)
    response = _post(
        author, world.case.pk, text="@core_officer さん、来週の同行をお願いできますか。"
    )
    assert response.status_code == 302
    message = BoardMessage.objects.get()
    assert list(message.mentions.all()) == [personas.core_officer]
    notice = Notification.objects.get(recipient=personas.core_officer)
    assert notice.kind == NotificationKind.BOARD_MENTION
    assert (notice.target_type, notice.target_id) == ("records.boardmessage", message.pk)

    reader = client_as(personas.core_officer)
    page = reader.get("/notifications/").content.decode()
    assert "佐藤花子さんの支援" in page  # rendered now, for a reader who may see the case
    assert 'data-testid="bell-count"> 1<' in page
    assert AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED,
        actor=personas.core_officer,
    ).exists()


def test_the_picker_mentions_too_and_the_author_is_not_told_of_their_own(
    personas, world, client_as
):
    author = client_as(personas.counselor_a)
    _post(
        author,
        world.case.pk,
        text="@counselor_a メモ",
        mentions=[personas.colleague_a.pk],
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "colleague_a"
    }


def test_a_mention_of_someone_off_the_team_tells_nobody(personas, world, client_as):
    _post(client_as(personas.counselor_a), world.case.pk, text="@counselor_b 見てください")
    assert not Notification.objects.exists()
    assert not BoardMessage.objects.get().mentions.exists()


def test_the_picker_refuses_someone_off_the_team(personas, world, client_as):
    response = _post(
        client_as(personas.counselor_a),
        world.case.pk,
        text="x",
        mentions=[personas.counselor_b.pk],
    )
    assert response.status_code == 400
    assert not BoardMessage.objects.exists()


def test_replies_stay_one_level_deep(personas, world, client_as):
    client = client_as(personas.counselor_a)
    _post(client, world.case.pk, text="最初の投稿")
    first = BoardMessage.objects.get()
    _post(client_as(personas.core_officer), world.case.pk, text="返信", parent=first.pk)
    reply = BoardMessage.objects.get(text="返信")
    _post(client, world.case.pk, text="返信への返信", parent=reply.pk)
    assert BoardMessage.objects.get(text="返信への返信").parent == first
    page = client.get(_board(world.case.pk)).content.decode()
    assert page.index("最初の投稿") < page.index("返信への返信")


def test_a_reply_to_another_cases_message_is_not_found(personas, world, client_as):
    _post(client_as(personas.counselor_b), world.other_case.pk, text="B の投稿")
    theirs = BoardMessage.objects.get()
    response = _post(client_as(personas.counselor_a), world.case.pk, text="x", parent=theirs.pk)
    assert response.status_code == 404
    assert BoardMessage.objects.count() == 1


@pytest.mark.parametrize("parent", [str(2**63), "-1", "abc", "%ED%A0%80"])
def test_a_malformed_parent_is_a_message_not_a_500(personas, world, client_as, parent):
    # Sent as a raw body: a lone surrogate (ED A0 80) cannot be built by the test client.
    response = client_as(personas.counselor_a).post(
        _board(world.case.pk),
        f"text=x&parent={parent}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not BoardMessage.objects.exists()


def test_empty_and_overlong_messages_are_refused_in_japanese(personas, world, client_as):
    client = client_as(personas.counselor_a)
    assert _post(client, world.case.pk, text="   ").status_code == 400
    response = _post(client, world.case.pk, text="あ" * 2001)
    assert response.status_code == 400
    assert "2000" in response.content.decode()
    assert not BoardMessage.objects.exists()


def test_attachments_are_checked_like_a_notes(personas, world, client_as):
    client = client_as(personas.counselor_a)
    bad = SimpleUploadedFile("memo.pdf", b"not really a pdf", content_type="application/pdf")
    response = client.post(_board(world.case.pk), {"text": "資料です", "attachments": [bad]})
    assert response.status_code == 400
    assert "受け付けられない形式" in response.content.decode()
    assert not BoardMessage.objects.exists()

    good = SimpleUploadedFile("資料.pdf", minimal_pdf(), content_type="application/pdf")
    client.post(_board(world.case.pk), {"text": "資料です", "attachments": [good]})
    attachment = BoardAttachment.objects.get()
    download = client_as(personas.core_officer).get(f"/records/board-attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == minimal_pdf()
    assert AuditEvent.objects.filter(
        action=Action.ATTACHMENT_DOWNLOADED, actor=personas.core_officer
    ).exists()


def test_every_board_read_is_audited(personas, world, client_as):
    _post(client_as(personas.counselor_a), world.case.pk, text="連絡")
    message = BoardMessage.objects.get()
    client_as(personas.core_officer).get(_board(world.case.pk))
    event = AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, actor=personas.core_officer
    ).latest("pk")
    assert event.detail["board_messages"] == [message.pk]


def test_outsider_gets_404_on_the_board_and_its_attachments(personas, world, client_as):
    good = SimpleUploadedFile("a.pdf", minimal_pdf(), content_type="application/pdf")
    client_as(personas.counselor_a).post(
        _board(world.case.pk), {"text": "連絡", "attachments": [good]}
    )
    attachment = BoardAttachment.objects.get()
    outsider = client_as(personas.counselor_b)
    before = AuditEvent.objects.filter(outcome=Outcome.DENIED).count()
    assert outsider.get(_board(world.case.pk)).status_code == 404
    assert _post(outsider, world.case.pk, text="x").status_code == 404
    assert outsider.get(f"/records/board-attachments/{attachment.pk}/").status_code == 404
    assert outsider.get(_board(2**63)).status_code == 404
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED).count() >= before + 3
    assert BoardMessage.objects.count() == 1


def test_a_former_team_member_gets_404(personas, world, client_as):
    _post(client_as(personas.counselor_a), world.case.pk, text="@core_officer 連絡")
    CaseTeamMember.objects.filter(case=world.case, organization=personas.core_center).update(
        left_on=timezone.localdate() - dt.timedelta(days=1)
    )
    former = client_as(personas.core_officer)
    assert former.get(_board(world.case.pk)).status_code == 404
    # The notification stays, but tells nothing of the case any more.
    page = former.get("/notifications/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]  # the user's own name is in the header
    assert "閲覧できなくなった通知" in main
    assert "佐藤" not in main
    assert "花子" not in main


def test_a_read_only_member_reads_but_cannot_post(personas, world, client_as):
    reader = client_as(personas.reader_a)
    assert reader.get(_board(world.case.pk)).status_code == 200
    assert _post(reader, world.case.pk, text="x").status_code == 403
    assert not BoardMessage.objects.exists()


def test_a_mention_in_a_note_notifies_the_team_member(personas, world, client_as):
    client_as(personas.counselor_a).post(
        f"/records/cases/{world.case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "interview",
            "text": "面談。@core_officer さんにも共有。@counselor_b",
        },
    )
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("core_officer", NotificationKind.NOTE_MENTION)
    ]


def test_a_mention_in_a_restricted_note_reaches_only_the_lead_organization(
    personas, world, client_as
):
    client_as(personas.counselor_a).post(
        f"/records/cases/{world.case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "interview",
            "text": "@core_officer @colleague_a",
            "is_restricted": "on",
        },
    )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "colleague_a"
    ]


def test_the_api_posts_and_lists_through_the_same_service(personas, world, client):
    from tsunagu.accounts.tests.factories import api_token_for

    headers = {"Authorization": f"Bearer {api_token_for(personas.counselor_a, personas.office_a)}"}
    url = f"/api/v1/cases/{world.case.pk}/board"
    response = client.post(
        url,
        {"text": "@core_officer 連絡です。", "mention_ids": [personas.colleague_a.pk]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    message = BoardMessage.objects.get()
    reply = client.post(
        url,
        {"text": "了解", "parent_id": message.pk},
        content_type="application/json",
        headers=headers,
    )
    assert reply.status_code == 201
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "core_officer",
        "colleague_a",
    }
    listed = client.get(url, headers=headers).json()
    (thread,) = listed["results"]
    assert thread["text"] == "@core_officer 連絡です。"
    assert [r["text"] for r in thread["replies"]] == ["了解"]
    assert (
        client.post(
            url, {"text": "x", "parent_id": 2**63}, content_type="application/json", headers=headers
        ).status_code
        == 422
    )
