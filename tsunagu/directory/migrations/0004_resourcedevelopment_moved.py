"""The resource development log moved to the meetings app (meetings 0004, issue 14.3): it leaves
the directory's state here; its table and rows stay (the model keeps the table's name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_development_sources"),
        ("meetings", "0004_resourcedevelopment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ResourceDevelopment")],
            database_operations=[],
        ),
    ]
