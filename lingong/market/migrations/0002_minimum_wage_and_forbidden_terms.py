"""Load the minimum wages and forbidden terms shipped in market/data, so every database starts with them.

Later updates of the files are applied with ``lingong load_market_reference``; this migration is never edited.
"""

from django.db import migrations


def load(apps, schema_editor):
    from lingong.market.services.posts import load_market_reference

    load_market_reference(
        apps.get_model("market", "MinimumWage"),
        apps.get_model("market", "ForbiddenTerm"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial"), ("core", "0002_reference_data")]

    # Reversing keeps the rows: staff may have edited them since.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
