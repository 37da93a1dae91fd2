"""一次一评 for submissions made at a window, registered in `applications.hooks` at start-up
(`RatingsConfig.ready()`): the visit is recorded with the submission, whether the clerk used
the window screens or the API, and the serving clerk's printed receipt carries its link."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.applications.receipt import PrintedRatingLink
from kuaiban.ratings import conf
from kuaiban.ratings.links import qr_png
from kuaiban.ratings.selectors import visit_offer
from kuaiban.ratings.services import visit_record


class RatedWindowVisits:
    """`applications.hooks.WindowVisits` over the visit service and selector."""

    def record(self, *, clerk: User, application: Application) -> None:
        visit_record(clerk=clerk, application=application)

    def printed_link(
        self, *, request: HttpRequest, application: Application
    ) -> PrintedRatingLink | None:
        """The serving clerk's printout carries the walk-in's rating link as the page shows it."""
        base = conf.public_url() or request.build_absolute_uri("/")
        offer = visit_offer(clerk=request.user, application=application, base=base)
        if offer is None or not offer.url:
            return None
        until = timezone.localtime(offer.expires_at).strftime("%Y年%m月%d日")
        return PrintedRatingLink(url=offer.url, qr_png=qr_png(offer.url), until=until)
