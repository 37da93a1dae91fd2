"""The control file: loaded by the demo set-up, every problem reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.commitments.models import CheckMethod, CheckRule, ItemPolicy
from kuaiban.riskcontrol.controlfile import ControlFileError, controls_load, controls_read
from kuaiban.riskcontrol.models import ItemRisk

pytestmark = pytest.mark.django_db


def test_the_shipped_file_is_loaded_with_sources(world) -> None:
    rule = CheckRule.objects.get(material_code="termination_proof")
    assert (rule.method, rule.online_path, rule.false_without_value) == (
        CheckMethod.ONLINE,
        "employment.end_date",
        True,
    )
    assert ItemRisk.objects.get(item__code="1.2.3").points == ["bank_account"]
    # 7-1's required items carry no risk point: the retirement journey needs one officer each.
    assert not ItemRisk.objects.filter(item__code__in=["1.6.1", "L-retire-qualification"]).exists()
    assert ItemRisk.objects.get(item__code="1.6.10").high_risk
    assert all(r.source for r in CheckRule.objects.all())


def test_a_bureau_set_rate_survives_a_reload(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate="0.2")
    controls_load()
    assert str(ItemPolicy.objects.get(item__code="1.6.10").sample_rate) == "0.200"


def test_every_problem_is_reported_with_its_line_and_nothing_stored(world, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'version: "1"\n'
        "checks:\n"
        '  - {material: id_card, method: online, path: person.name, source: "001 正文 四（四）"}\n'
        '  - {material: dependant_proof, method: by_post, source: "nowhere"}\n'
        "items:\n"
        '  - {item: "9.9.9", risk_points: [fun], sample_rate: 2, source: "004 正文 三（四）15"}\n',
        encoding="utf-8",
    )
    before = CheckRule.objects.count()
    with pytest.raises(ControlFileError) as error:
        controls_read(bad)
    lines = sorted({p.line for p in error.value.problems})
    assert lines == [3, 4, 6]
    assert len(error.value.problems) >= 6
    assert CheckRule.objects.count() == before


def test_the_commitment_text_is_published_shown_and_signed_with_its_version(world) -> None:
    from django.test import Client

    from kuaiban.applications.models import ApplicationCommitment
    from kuaiban.catalogue.models import CommitmentText
    from tests.commitments.helpers import submitted, survivor_body

    text = CommitmentText.objects.get(material__code="dependant_proof")
    assert text.version == "2026.1" and text.source == "003 正文 二（三）1"
    assert "追回" in text.consequence and "现场核查" in text.verification
    guide = Client().get("/packs/shandong-2020/9/").content.decode()
    assert text.promise in guide
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    signed = ApplicationCommitment.objects.get(application=app, material_code="dependant_proof")
    assert signed.text == f"供养亲属生活来源证明：{text.full_text}"
    assert (signed.text_version, signed.signer, signed.signed_by) == (
        "2026.1",
        "张建国",
        world["zhangjianguo"],
    )
    client = Client()
    client.force_login(world["zhangjianguo"])
    receipt = client.get(f"/me/applications/{app.number}/receipt/").content.decode()
    assert "告知承诺书 2026.1 版" in receipt and text.promise in receipt


def test_the_command_loads_and_reports_problems_by_line(world, tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("controls_load", stdout=out)
    assert "核查规则" in out.getvalue()
    bad = tmp_path / "bad.yaml"
    bad.write_text('checks:\n  - {material: id_card, method: online, source: "x"}\n', "utf-8")
    with pytest.raises(CommandError) as error:
        call_command("controls_load", str(bad))
    assert f"{bad}:2:" in str(error.value)


def test_an_online_rule_names_a_comparable_fact_and_the_promised_fields(
    world, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'version: "1"\n'
        "checks:\n"
        "  - {material: skill_certificate, method: online, path: e_certificate.graduation,"
        ' promised: [certificate_number], source: "003 正文 二（三）1"}\n'
        "  - {material: termination_proof, method: online, path: employment.end_date,"
        ' source: "003 正文 二（三）1"}\n'
        "  - {material: graduation_certificate, method: online, path: person.graduated_on,"
        ' promised: [no_such_field], source: "003 正文 二（三）1"}\n'
        "  - {material: dependant_proof, method: on_site, promised: [dependants_count],"
        ' source: "001 正文 四（四）"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ControlFileError) as error:
        controls_read(bad)
    assert sorted(p.line for p in error.value.problems) == [3, 4, 5, 6]
    rule = CheckRule.objects.get(material_code="termination_proof")
    assert rule.promised_fields == ["termination_date", "unemployment_date"]


def test_the_amount_thresholds_are_read_and_the_bureaus_survive_a_reload(
    world, tmp_path: Path
) -> None:
    from decimal import Decimal

    from kuaiban.riskcontrol.models import RiskSettings

    assert RiskSettings.objects.get().amount_threshold == Decimal(10000)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'version: "1"\n'
        "amount_threshold: -5\n"
        "items:\n"
        '  - {item: "1.6.10", risk_points: [lump_sum], amount_threshold: "1.005",'
        ' source: "004 正文 三（四）15"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ControlFileError) as error:
        controls_read(bad)
    assert sorted(p.line for p in error.value.problems) == [2, 4]
    good = tmp_path / "good.yaml"
    good.write_text(
        'version: "1"\n'
        "amount_threshold: 3000\n"
        "items:\n"
        '  - {item: "L-injury-medical-lumpsum", risk_points: [lump_sum], amount_threshold: 50000,'
        ' source: "004 正文 三（四）15"}\n',
        encoding="utf-8",
    )
    RiskSettings.objects.update(amount_threshold=Decimal(8000))  # the bureau's own value
    controls_load(path=good)
    assert RiskSettings.objects.get().amount_threshold == Decimal(8000)
    assert ItemRisk.objects.get(item__code="L-injury-medical-lumpsum").amount_threshold == 50000
    RiskSettings.objects.all().delete()
    controls_load(path=good)
    assert RiskSettings.objects.get().amount_threshold == Decimal(3000)
