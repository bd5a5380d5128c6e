"""The directory's taxonomy terms (tsunagu/directory/taxonomy.py), with their stable HSDS ids."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load_terms(apps: Any, schema_editor: Any) -> None:
    from tsunagu.directory.taxonomy import load_terms

    load_terms(apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load_terms, migrations.RunPython.noop)]
