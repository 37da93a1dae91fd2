"""Which channel (渠道) a web submission came through: the statistics of 网上办 count it."""

from __future__ import annotations

import re

from kuaiban.applications.models import Channel

# Phones and tablets announce themselves in the User-Agent: "Mobi" is the common marker
# (Chrome, Safari, Firefox on phones); Android tablets, iPads, HarmonyOS and the WeChat
# in-app browser (小程序 web views) are matched by name.
_MOBILE = re.compile(r"Mobi|Android|iPhone|iPad|iPod|HarmonyOS|MicroMessenger", re.IGNORECASE)


def web_channel(user_agent: str) -> Channel:
    """移动端 for a phone or tablet browser, 网站 otherwise (a desktop browser, or none said)."""
    return Channel.APP if _MOBILE.search(user_agent or "") else Channel.WEB
