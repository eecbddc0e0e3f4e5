"""Load the reference data shipped in core/data, so every database (tests' included) starts with it.

Later updates of the files are applied with ``lingong load_reference``; this migration is never edited.
"""

from django.db import migrations


def load(apps, schema_editor):
    from lingong.core import reference

    using = schema_editor.connection.alias
    reference.load_divisions(apps.get_model("core", "Division"), using=using)
    reference.load_occupations(apps.get_model("core", "Occupation"), using=using)
    days, years = apps.get_model("core", "CalendarDay"), apps.get_model("core", "CalendarYear")
    reference.load_calendar(days, years, using=using)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    # Reversing keeps the rows: they are reference data that other records may point to.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
