from __future__ import annotations

import factory

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.records.models import Formulation, NoteKind, ProgressNote


class ProgressNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressNote

    case = factory.SubFactory(CaseFactory)
    kind = NoteKind.HOME_VISIT
    author = factory.SubFactory(UserFactory)
    author_organization = factory.SelfAttribute("case.lead_organization")
    text = "自宅を訪問。本人は落ち着いた様子で、母の入院について話してくれた。"


class FormulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Formulation

    case = factory.SubFactory(CaseFactory)
    revision = factory.Sequence(lambda n: n + 1)
    situation_summary = "母の入院で本人の生活の支えが失われつつある。"
    hypothesis = "母への依存が強く、変化への不安が拒否として表れている。"
    support_policy = "本人のペースで関係を作り、短期入所の体験から始める。"
    author = factory.SubFactory(UserFactory)
    author_organization = factory.SelfAttribute("case.lead_organization")
