from typing import Any

from django.db import migrations, models


def fill_id_region(apps: Any, schema_editor: Any) -> None:
    """Existing accounts: the region digits of their ID number (decrypted once, here)."""
    User = apps.get_model("accounts", "User")
    batch = []
    for user in User.objects.exclude(id_number_index="").only("pk", "id_number").iterator(chunk_size=2000):
        user.id_region = "".join(user.id_number.split()).upper()[:6]
        batch.append(user)
        if len(batch) >= 2000:
            User.objects.bulk_update(batch, ["id_region"])
            batch = []
    if batch:
        User.objects.bulk_update(batch, ["id_region"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_partner_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="id_region",
            field=models.CharField(blank=True, max_length=6, verbose_name="身份证地区代码"),
        ),
        migrations.RunPython(fill_id_region, migrations.RunPython.noop),
    ]
