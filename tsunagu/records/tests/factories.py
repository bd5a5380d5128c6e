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


def minimal_pdf() -> bytes:
    """A tiny but well-formed PDF (one empty page)."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def minimal_png() -> bytes:
    """A 1x1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
