"""The person rules' facts (`shareddata/facts.py`): the table, the view that defines a row, and
the row triggers on the people's three tables that keep it, on PostgreSQL and on SQLite; then
the rows of the people already there.

PostgreSQL: one trigger function for the three tables writes the person's row again from the
view (delete, then insert: a person without a row, or gone, needs no special case), unless
the transaction set `kuaiban.facts_deferred` (a bulk load, which writes the rows itself
afterwards). Two transactions writing one person's records at once are taken one after the
other by a lock on the person's row: without it the second computed the row without the
first's change, or failed on the row the first had inserted. SQLite: the same statements, one trigger per table and operation."""

from django.db import migrations, models

COLUMNS = (
    "id, id_number, name, gender, birth_date, region_code, education, graduated_on, "
    "insurance_status, insurance_unit_name, insurance_first_contribution_date, "
    "insurance_contribution_months, insurance_monthly_wage, insurance_injury_grade, "
    "insurance_last_activity_on, death_died_on, death_next_of_kin_id_number, "
    "death_next_of_kin_relation, death_dependants"
)
VIEW = """
CREATE VIEW shareddata_personfacts_source AS
SELECT p.id, p.id_number, p.name, p.gender, p.birth_date, p.region_code, p.education,
       p.graduated_on,
       i.status AS insurance_status, i.unit_name AS insurance_unit_name,
       i.first_contribution_date AS insurance_first_contribution_date,
       i.contribution_months AS insurance_contribution_months,
       i.monthly_wage AS insurance_monthly_wage, i.injury_grade AS insurance_injury_grade,
       i.last_activity_on AS insurance_last_activity_on,
       d.died_on AS death_died_on, d.next_of_kin_id_number AS death_next_of_kin_id_number,
       d.next_of_kin_relation AS death_next_of_kin_relation, d.dependants AS death_dependants
FROM shareddata_person p
LEFT JOIN shareddata_insurancerecord i ON i.person_id = p.id
LEFT JOIN shareddata_deathrecord d ON d.person_id = p.id
"""
FILL = f"INSERT INTO shareddata_personfacts ({COLUMNS}) SELECT {COLUMNS} FROM shareddata_personfacts_source"
RECORD_TABLES = ("shareddata_insurancerecord", "shareddata_deathrecord")
TABLES = ("shareddata_person", *RECORD_TABLES)

POSTGRESQL = [
    VIEW,
    f"""
CREATE FUNCTION shareddata_personfacts_refresh(pid bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- One writer of a person's row at a time, each reading what the one before committed:
    -- the person's row is locked first (as an UPDATE of it would lock it, not against the
    -- foreign keys' checks), and each statement after it takes a new snapshot.
    PERFORM 1 FROM shareddata_person WHERE id = pid FOR NO KEY UPDATE;
    DELETE FROM shareddata_personfacts WHERE id = pid;
    INSERT INTO shareddata_personfacts ({COLUMNS})
    SELECT {COLUMNS} FROM shareddata_personfacts_source WHERE id = pid;
END
$$
""",
    """
CREATE FUNCTION shareddata_personfacts_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kuaiban.facts_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'shareddata_person' THEN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM shareddata_personfacts WHERE id = OLD.id;
        ELSE
            PERFORM shareddata_personfacts_refresh(NEW.id);
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            PERFORM shareddata_personfacts_refresh(OLD.person_id);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.person_id <> OLD.person_id) THEN
            PERFORM shareddata_personfacts_refresh(NEW.person_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$
""",
    *(
        f"CREATE TRIGGER shareddata_personfacts AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION shareddata_personfacts_track()"
        for table in TABLES
    ),
    FILL,
]
POSTGRESQL_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS shareddata_personfacts ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS shareddata_personfacts_track()",
    "DROP FUNCTION IF EXISTS shareddata_personfacts_refresh(bigint)",
    "DROP VIEW IF EXISTS shareddata_personfacts_source",
]


def _sqlite_write(key: str) -> str:
    return (
        f"INSERT OR REPLACE INTO shareddata_personfacts ({COLUMNS}) "
        f"SELECT {COLUMNS} FROM shareddata_personfacts_source WHERE id = {key};"
    )


_SQLITE_BODIES = {
    ("shareddata_person", "INSERT"): _sqlite_write("NEW.id"),
    ("shareddata_person", "UPDATE"): (
        "DELETE FROM shareddata_personfacts WHERE id = OLD.id; " + _sqlite_write("NEW.id")
    ),
    ("shareddata_person", "DELETE"): "DELETE FROM shareddata_personfacts WHERE id = OLD.id;",
    **{
        (table, operation): body
        for table in RECORD_TABLES
        for operation, body in (
            ("INSERT", _sqlite_write("NEW.person_id")),
            ("UPDATE", _sqlite_write("OLD.person_id") + " " + _sqlite_write("NEW.person_id")),
            ("DELETE", _sqlite_write("OLD.person_id")),
        )
    },
}
SQLITE = [
    VIEW,
    *(
        f"CREATE TRIGGER shareddata_personfacts_{table}_{operation.lower()} "
        f"AFTER {operation} ON {table} FOR EACH ROW BEGIN {body} END"
        for (table, operation), body in _SQLITE_BODIES.items()
    ),
    FILL,
]
SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS shareddata_personfacts_{table}_{operation.lower()}"
        for table, operation in _SQLITE_BODIES
    ),
    "DROP VIEW IF EXISTS shareddata_personfacts_source",
]


def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def _remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(statement)



class Migration(migrations.Migration):

    dependencies = [
        ('shareddata', '0008_insurance_rule_columns'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonFacts',
            fields=[
                ('id', models.BigIntegerField(help_text='人员的主键。', primary_key=True, serialize=False)),
                ('id_number', models.CharField(max_length=18, verbose_name='居民身份证号')),
                ('name', models.CharField(max_length=40, verbose_name='姓名')),
                ('gender', models.CharField(max_length=2, verbose_name='性别')),
                ('birth_date', models.DateField(verbose_name='出生日期')),
                ('region_code', models.CharField(max_length=6, verbose_name='户籍地区代码')),
                ('education', models.CharField(max_length=20, verbose_name='学历')),
                ('graduated_on', models.DateField(null=True, verbose_name='高校毕业日期')),
                ('insurance_status', models.CharField(max_length=20, null=True, verbose_name='参保状态')),
                ('insurance_unit_name', models.CharField(max_length=120, null=True, verbose_name='参保单位')),
                ('insurance_first_contribution_date', models.DateField(null=True, verbose_name='首次参保日期')),
                ('insurance_contribution_months', models.PositiveIntegerField(null=True, verbose_name='累计缴费月数')),
                ('insurance_monthly_wage', models.DecimalField(decimal_places=2, max_digits=10, null=True, verbose_name='本人月缴费工资')),
                ('insurance_injury_grade', models.PositiveSmallIntegerField(null=True, verbose_name='伤残等级')),
                ('insurance_last_activity_on', models.DateField(null=True, verbose_name='最近活动日期')),
                ('death_died_on', models.DateField(null=True, verbose_name='死亡日期')),
                ('death_next_of_kin_id_number', models.CharField(max_length=18, null=True, verbose_name='近亲属身份证号')),
                ('death_next_of_kin_relation', models.CharField(max_length=10, null=True, verbose_name='与逝者关系')),
                ('death_dependants', models.PositiveSmallIntegerField(null=True, verbose_name='供养直系亲属人数')),
            ],
            options={
                'verbose_name': '人员规则事实',
                'verbose_name_plural': '人员规则事实',
            },
        ),
        migrations.RunPython(_install, _remove, elidable=False),
    ]
