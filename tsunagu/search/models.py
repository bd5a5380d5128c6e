"""One searchable text per source row (a note, a formulation, an assessment or one member's
section of it).  The rows are written by database triggers (migration 0002, ADR 0006), never
by application code, so every write path -- services, bulk inserts, the admin -- keeps the
index in step in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    NOTE = "note", _("支援経過記録")
    FORMULATION = "formulation", _("見立て")
    ASSESSMENT = "assessment", _("アセスメント")
    ASSESSMENT_SECTION = "assessment_section", _("アセスメント（世帯員）")


class SearchDocument(models.Model):
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    # The source row's id; `record_id` is what the user opens (a section opens its assessment).
    source_id = models.BigIntegerField()
    record_id = models.BigIntegerField()
    case_id = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    # A restricted note's extra rule (lead organization and author only) is checked against
    # the note itself; the flag keeps that check to the few restricted ones.
    restricted = models.BooleanField(default=False)
    body = models.TextField()
    # The body folded by core.kana.fold (hiragana/katakana, widths, long-vowel hyphens, variant
    # kanji); what the queries match.  Written by the same triggers, through `tsunagu_fold`.
    folded = models.TextField(default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_id", "kind"], name="search_document_source_kind"
            )
        ]
        # Searches start from the actor's cases, never from the city's newest documents: an
        # index on `occurred_at` alone led both planners to walk the whole city backwards in
        # time at full scale (ADR 0006), so there is none.
        indexes = [
            models.Index(fields=["case_id", "occurred_at"], name="search_doc_case_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"


class Synonym(models.Model):
    """Two ways the field writes one thing (GH and グループホーム, 就B and 就労継続支援B型): a
    search for either finds both.  The core center keeps the list (`services.synonym_add`)."""

    term = models.CharField(_("略語・言い換え"), max_length=50)
    synonym = models.CharField(_("正式な言葉"), max_length=100)
    # Both folded by core.kana.fold, as the queries are.
    term_folded = models.CharField(max_length=50, editable=False)
    synonym_folded = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["term_folded", "synonym_folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["term_folded", "synonym_folded"], name="search_synonym_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(term_folded=models.F("synonym_folded")),
                name="search_synonym_not_itself",
            ),
        ]
        indexes = [models.Index(fields=["synonym_folded"], name="search_synonym_folded")]

    def __str__(self) -> str:
        return f"{self.term} ↔ {self.synonym}"
