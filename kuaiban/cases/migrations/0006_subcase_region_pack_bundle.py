"""Sub-cases carry their application's region, pack and bundle (see `SubCase.region`).

The columns are added empty, filled from the applications in one statement, then made
required. On PostgreSQL a large table is rewritten by the filling (≈ a minute a few million
sub-cases); nothing else reads the new columns until this migration is done.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def _copy_from_applications(apps, schema_editor):
    SubCase = apps.get_model("cases", "SubCase")
    Application = apps.get_model("applications", "Application")
    own = Application.objects.filter(pk=OuterRef("application_id"))
    SubCase.objects.using(schema_editor.connection.alias).update(
        region_id=Subquery(own.values("region_id")[:1]),
        pack_id=Subquery(own.values("pack_id")[:1]),
        bundle_id=Subquery(own.values("bundle_id")[:1]),
    )


def _field(to: str, name: str, *, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null,
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        verbose_name=name,
    )


COLUMNS = (("region", "catalogue.region", "办理地区"), ("pack", "bundles.pack", "政策包"),
           ("bundle", "bundles.bundle", "一件事"))


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0009_identifier_indexes_without_like"),
        ("bundles", "0008_provision_scope"),
        ("catalogue", "0010_card_point_field"),
        ("cases", "0005_subcase_paid_amount_and_reopen"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="subcase", name=name, field=_field(to, label, null=True)
            )
            for name, to, label in COLUMNS
        ),
        migrations.RunPython(_copy_from_applications, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name="subcase", name=name, field=_field(to, label, null=False)
            )
            for name, to, label in COLUMNS
        ),
    ]
