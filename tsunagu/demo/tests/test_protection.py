"""The demo DV protection (issue 20 item 4): one person in the demo city has their whereabouts
hidden, the lead worker named; the team sees the banner and never the address; seeded once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.demo.protection import seed_and_summarise
from tsunagu.people.models import AddressProtection

pytestmark = pytest.mark.django_db


def test_one_protected_person_in_the_demo_city(settings, client_as):
    settings.DEMO_MODE = True
    seed_demo()
    assert seed_and_summarise().startswith("DV等支援措置: ")
    assert seed_and_summarise() == "DV等支援措置: 既にあります（追加なし）"
    protection = AddressProtection.objects.active().get()
    person = protection.person
    assert person.address
    worker = protection.workers.get()
    page = client_as(worker).get(reverse("people:person_detail", args=[person.pk]))
    text = page.content.decode()
    assert "住所・電話番号・居所は非表示です" in text
    assert person.address not in text
    assert "表示する" in text
