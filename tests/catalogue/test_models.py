"""Service items as lists name them: a catalogue code citizens know, never a local key."""

from __future__ import annotations

from kuaiban.catalogue.models import ServiceItem, item_label, item_public_code


def test_a_catalogue_code_is_shown_and_a_local_one_is_not() -> None:
    assert item_public_code("1.6.1") == "1.6.1"
    assert item_public_code("L-retire-qualification") == ""
    assert item_label(code="1.6.1", name="职工正常退休（职）申请") == "1.6.1 职工正常退休（职）申请"
    assert item_label(code="L-retire-qualification", name="退休资格核准") == "退休资格核准"


def test_the_item_label_and_public_code_follow_the_same_rule() -> None:
    local = ServiceItem(code="L-retire-pension-publicity", name="待遇公示")
    assert (local.public_code, local.label) == ("", "待遇公示")
    national = ServiceItem(code="4.1.1", name="劳动用工备案")
    assert (national.public_code, national.label) == ("4.1.1", "4.1.1 劳动用工备案")
