"""Rectification tickets carry what their rating is about (see `RectificationTicket.region`):
the rating's region, the rated case's application (the rating's own, or its window visit's)
and that application's pack and bundle.

The columns are added empty, filled from the ratings, their visits and the applications in two
statements, then the region made required; nothing else reads them until this migration is
done.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def _copy_from_ratings(apps, schema_editor):
    Ticket = apps.get_model("ratings", "RectificationTicket")
    Rating = apps.get_model("ratings", "Rating")
    Application = apps.get_model("applications", "Application")
    alias = schema_editor.connection.alias
    own = Rating.objects.filter(pk=OuterRef("rating_id"))
    about = own.annotate(about=Coalesce("application_id", "visit__application_id"))
    Ticket.objects.using(alias).update(
        region_id=Subquery(own.values("region_id")[:1]),
        application_id=Subquery(about.values("about")[:1]),
    )
    case = Application.objects.filter(pk=OuterRef("application_id"))
    Ticket.objects.using(alias).filter(application_id__isnull=False).update(
        pack_id=Subquery(case.values("pack_id")[:1]),
        bundle_id=Subquery(case.values("bundle_id")[:1]),
    )
    if schema_editor.connection.vendor == "postgresql":
        # The new columns' foreign keys are checked at the commit; checked now, so that the
        # table can be altered next in the same transaction ("pending trigger events").
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _field(to: str, name: str, *, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        blank=null,
        null=null,
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        verbose_name=name,
    )


COLUMNS = (
    ("region", "catalogue.region", "地区"),
    ("application", "applications.application", "办件"),
    ("pack", "bundles.pack", "政策包"),
    ("bundle", "bundles.bundle", "一件事"),
)


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0009_identifier_indexes_without_like"),
        ("bundles", "0008_provision_scope"),
        ("catalogue", "0010_card_point_field"),
        ("ratings", "0003_visit_agency_is_hall"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="rectificationticket", name=name, field=_field(to, label, null=True)
            )
            for name, to, label in COLUMNS
        ),
        migrations.RunPython(_copy_from_ratings, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="rectificationticket",
            name="region",
            field=_field("catalogue.region", "地区", null=False),
        ),
    ]
