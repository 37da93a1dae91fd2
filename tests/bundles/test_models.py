"""The Bundle model's own rules."""

from __future__ import annotations

import pytest

from kuaiban.bundles.models import Bundle


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("职工退休", "“职工退休”一件事"),
        ("失业一件事", "失业一件事"),  # Jiangsu names it so: not “失业一件事”一件事
        ("事业单位工作人员管理“一件事”", "事业单位工作人员管理“一件事”"),
    ],
)
def test_the_title_says_yi_jian_shi_once(name: str, title: str) -> None:
    assert Bundle(name=name).title == title
