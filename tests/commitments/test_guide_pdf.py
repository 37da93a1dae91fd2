"""The 告知承诺书 texts (packs/controls/commitments.yaml) are in the item's and the bundle's PDF
guide where the guide lists the materials a commitment may replace — the texts the page shows."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.catalogue.models import CommitmentText, commitment_texts_current
from tests.guides.test_public_text import pdf_text

pytestmark = pytest.mark.django_db


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_the_item_guide_pdf_carries_each_commitment_text(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    texts = commitment_texts_current(["dependant_proof", "cremation_certificate"])
    assert set(texts) == {"dependant_proof", "cremation_certificate"}
    response = client.get("/items/1.6.10/guide.pdf")
    assert response.status_code == 200
    shown = _squeezed(pdf_text(response.content))
    assert "告知承诺书（公示文本）" in shown
    for text in texts.values():
        assert _squeezed(f"{text.material.name}（{text.version} 版）") in shown
        for part in (text.promise, text.consequence, text.verification):
            assert _squeezed(part) in shown
    # After the materials, which mark the same materials 可承诺.
    assert shown.index("申请材料") < shown.index("告知承诺书（公示文本）")
    assert shown.index("告知承诺书（公示文本）") < shown.index("办理渠道")
    page = client.get("/items/1.6.10/").content.decode()
    assert all(t.promise in page for t in texts.values())


def test_the_bundle_guide_pdf_carries_its_materials_texts_only(world) -> None:  # type: ignore[no-untyped-def]
    shown = _squeezed(pdf_text(Client().get("/packs/shandong-2020/9/guide.pdf").content))
    dependant = CommitmentText.objects.filter(material__code="dependant_proof").first()
    assert dependant is not None and _squeezed(dependant.promise) in shown
    # A material the bundle does not ask for is not listed.
    training = CommitmentText.objects.filter(material__code="training_certificate").first()
    assert training is not None and _squeezed(training.promise) not in shown


def test_an_item_without_commitment_materials_has_no_such_section(world) -> None:  # type: ignore[no-untyped-def]
    shown = pdf_text(Client().get("/items/1.1.5/guide.pdf").content)
    assert "告知承诺书" not in shown
