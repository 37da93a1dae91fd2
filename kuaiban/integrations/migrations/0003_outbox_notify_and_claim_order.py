"""PostgreSQL: NOTIFY kuaiban_outbox when messages become pending, so idle workers wake at once;
and the due index in the claim's order.

One notification per INSERT statement (a bulk insert of a submission's messages is one), and
one when a dead letter is put back to pending. PostgreSQL sends them at commit, and not at all
on rollback. Other databases get nothing: their workers poll (kuaiban/integrations/wakeup.py).
"""

from django.db import migrations, models

from kuaiban.core.migration_sql import postgresql_only

FORWARD = """
CREATE OR REPLACE FUNCTION kuaiban_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kuaiban_outbox', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS kuaiban_outbox_notify_insert ON integrations_outboxmessage;
DROP TRIGGER IF EXISTS kuaiban_outbox_notify_pending ON integrations_outboxmessage;
CREATE TRIGGER kuaiban_outbox_notify_insert
    AFTER INSERT ON integrations_outboxmessage
    FOR EACH STATEMENT EXECUTE FUNCTION kuaiban_outbox_notify();
CREATE TRIGGER kuaiban_outbox_notify_pending
    AFTER UPDATE OF state ON integrations_outboxmessage
    FOR EACH ROW WHEN (NEW.state = 'pending' AND OLD.state IS DISTINCT FROM 'pending')
    EXECUTE FUNCTION kuaiban_outbox_notify();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS kuaiban_outbox_notify_pending ON integrations_outboxmessage;
DROP TRIGGER IF EXISTS kuaiban_outbox_notify_insert ON integrations_outboxmessage;
DROP FUNCTION IF EXISTS kuaiban_outbox_notify();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_outbox_claim_and_deadline_alert"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD), elidable=False),
        # The claim reads its rows in (next_attempt_at, id) order off this index.
        migrations.RemoveIndex(model_name="outboxmessage", name="outbox_due_idx"),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["next_attempt_at", "id"],
                name="outbox_due_order_idx",
            ),
        ),
    ]
