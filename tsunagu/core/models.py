"""Shared model bases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        abstract = True


class StoredAttachment(models.Model):
    """What every uploaded file keeps beside the encrypted bytes (core/storage.py): the name the
    user gave (shown, never used to store), the type judged from the bytes, the size and hash
    the download checks, and who uploaded it when.  A concrete attachment adds its `file`
    (with its own folder) and the record it belongs to."""

    original_name = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
