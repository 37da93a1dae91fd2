"""Whose records a page shows, and how: a logged-in person on the web, or the person who
identified at a self-service kiosk. The same pages serve both; only the layout differs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from kuaiban.core.errors import NotFound
from kuaiban.selfservice.kiosk_session import kiosk_person
from kuaiban.shareddata.access import access_own_person
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.rights import RecordsUnavailable


@dataclass(frozen=True)
class Subject:
    person: Person
    channel: str  # "web" or "kiosk"
    actor: AbstractBaseUser | AnonymousUser | None  # None at a kiosk
    layout: str  # the template the page extends
    prefix: str  # URL namespace of the pages: "selfservice" or "kiosk"


View = Callable[[HttpRequest, Subject], HttpResponse]


def _answered(view: View, request: HttpRequest, subject: Subject) -> HttpResponse:
    """The page, or the notice that the records cannot be read now (503)."""
    try:
        return view(request, subject)
    except RecordsUnavailable as exc:
        context = {"layout": subject.layout, "message": exc.message}
        return render(request, "selfservice/unavailable.html", context, status=503)


def web_or_kiosk(view: View) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The web page (log-in needed; another account's data is never reachable) and the kiosk page."""

    @functools.wraps(view)
    def web(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            person = access_own_person(user=request.user)
        except NotFound as exc:
            raise Http404(exc.message) from None
        return _answered(
            view, request, Subject(person, "web", request.user, "base.html", "selfservice")
        )

    @functools.wraps(view)
    def kiosk(request: HttpRequest) -> HttpResponse:
        person = kiosk_person(request)
        if person is None:
            return HttpResponseRedirect(reverse("kiosk:start"))
        layout = "selfservice/kiosk_base.html"
        return _answered(view, request, Subject(person, "kiosk", None, layout, "kiosk"))

    return web, kiosk
