"""One record as the person reads it: Japanese labels, choice labels, no stored file names."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from tsunagu.disclosure.records import record_of
from tsunagu.people.models import DisabilityCategory
from tsunagu.records.models import NoteAttachment
from tsunagu.records.tests.factories import minimal_png

pytestmark = pytest.mark.django_db


def test_a_note_is_labelled_in_japanese_and_keeps_its_ids(world):
    record = record_of(world.note)
    labels = {f.name: f.label for f in record.fields}
    assert labels["case"] == "支援ケース"
    assert labels["text"] == "内容"
    assert all(f.label != f.name.replace("_", " ") for f in record.fields if f.name != "id")
    assert record.data["case"] == world.case.pk
    assert record.data["case_label"] == str(world.case)
    assert record.data["kind"] == "home_visit"
    assert record.data["kind_label"] == "訪問"
    shown = {f.name: f.shown for f in record.fields}
    assert shown["kind"] == "訪問"
    assert shown["is_restricted"] == "いいえ"


def test_choice_lists_are_shown_by_their_labels_and_system_fields_are_left_out(world):
    person = world.person
    person.disability_categories = [DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL]
    record = record_of(person)
    shown = {f.name: f.shown for f in record.fields}
    assert shown["disability_categories"] == "知的、精神"
    assert record.data["disability_categories"] == ["intellectual", "mental"]
    assert "kana_normalized" not in record.data
    assert "version" not in record.data


def test_an_attachment_gives_no_stored_file_name(personas, world):
    attachment = NoteAttachment(
        note=world.note,
        original_name="写真.png",
        content_type="image/png",
        size=len(minimal_png()),
        sha256="0" * 64,
        uploaded_by=personas.counselor_a,
    )
    attachment.file.save("x.png", ContentFile(minimal_png()), save=True)
    record = record_of(attachment)
    assert "file" not in record.data
    assert attachment.file.name not in str(record.data)
    assert record.data["original_name"] == "写真.png"
