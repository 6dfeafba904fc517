"""Load the catalogue of titles and forms of commendation (thidua/awards/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from thidua.awards.catalogue import TITLES

    Title = apps.get_model("awards", "Title")
    for t in TITLES:
        Title.objects.update_or_create(
            code=t.code,
            defaults={
                "name": t.name,
                "name_en": t.name_en,
                "kind": t.kind,
                "for_individual": t.individual,
                "for_collective": t.collective,
                "for_household": t.household,
                "order": t.order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
