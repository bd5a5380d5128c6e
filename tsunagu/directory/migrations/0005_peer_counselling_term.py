"""The service type of peer counsellors and peer supporters (ピアカウンセリング・ピアサポート):
the terms are loaded again, which adds it and renumbers the sort order after it."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load_terms(apps: Any, schema_editor: Any) -> None:
    from tsunagu.directory.taxonomy import load_terms

    load_terms(apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_resourcedevelopment_moved")]

    operations = [migrations.RunPython(load_terms, migrations.RunPython.noop)]
