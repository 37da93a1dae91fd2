"""一次一评 without an account: the walk-in's personal, signed rating link (text, QR, SMS)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.core.errors import NotFound
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.registry import HANDLERS
from kuaiban.ratings import conf, services
from kuaiban.ratings.links import (
    SALT,
    LinkExpired,
    qr_svg,
    visit_link_check,
    visit_link_token,
    visit_link_url,
)
from kuaiban.ratings.models import Rating, RectificationTicket, StepKind, TicketStatus, WindowVisit
from kuaiban.ratings.services import rating_submit_visit, visit_record
from tests.applications.conftest import NOW
from tests.applications.helpers import pdf, post_multipart, retirement_body
from tests.ratings.helpers import as_user

pytestmark = pytest.mark.django_db

WALK_IN_ID = "370102195808204028"
WALK_IN_PHONE = "13905319999"
BAD = {
    "level": "1",
    "indicator-efficiency": "2",
    "indicator-skill": "2",
    "indicator-attitude": "1",
    "comment": "窗口人员态度生硬",
}
GOOD = {
    "level": "5",
    "indicator-efficiency": "5",
    "indicator-skill": "4",
    "indicator-attitude": "5",
    "comment": "",
}


@pytest.fixture(autouse=True)
def signing_clock() -> Iterator[Any]:
    """The signing module's clock, set to the frozen ``timezone.now`` and movable."""
    clock = SimpleNamespace(now=NOW)
    with mock.patch.object(signing, "time", SimpleNamespace(time=lambda: clock.now.timestamp())):
        yield clock


def walk_in(world: dict[str, User], *, phone: str = WALK_IN_PHONE) -> WindowVisit:
    """A walk-in with no account, taken at the window by 王敏 through the API: the submission
    itself records the visit."""
    clerk = world["clerk-lixia"]
    body = retirement_body(
        channel="window", applicant={"name": "王秀英", "id_number": WALK_IN_ID, "phone": phone}
    )
    body["form"] |= {  # not in the shared data: nothing is filled in for her
        "person_name": "王秀英",
        "id_number": WALK_IN_ID,
        "phone": phone or "13905310000",  # the registered phone, when there is one
        "bank_name": "中国银行济南分行",
        "bank_account": "6216610200016587010",
        "account_holder": "王秀英",
        "unit_name": "济南齐鲁精工机械有限公司",
        "credit_code": "91370100MA3C4X5K7L",
    }
    body["materials"] = {"bank_account_info": "gap"}
    files = {"personnel_archive": pdf(), "id_card": pdf("id.pdf")}
    response = post_multipart(as_user(clerk), body, files)
    assert response.status_code == 201, response.content
    application = Application.objects.get(number=response.json()["number"])
    assert application.applicant is None
    return WindowVisit.objects.get(application=application, clerk=clerk)


def link(visit: WindowVisit) -> str:
    return visit_link_url(visit, base="")


# ---------------------------------------------------------------------------------------------
# The token
# ---------------------------------------------------------------------------------------------


def test_the_token_names_the_visit_and_expires_after_the_configured_days(
    world, signing_clock, settings
) -> None:
    visit = walk_in(world)
    token = visit_link_token(visit)
    assert visit_link_token(visit) == token  # one visit, one link (SMS and receipt agree)
    assert visit_link_check(token).visit_id == visit.pk
    assert conf.visit_link_days() == 15
    signing_clock.now = NOW + dt.timedelta(days=15) - dt.timedelta(minutes=1)
    assert visit_link_check(token).visit_id == visit.pk
    signing_clock.now = NOW + dt.timedelta(days=15, seconds=1)
    with pytest.raises(LinkExpired):
        visit_link_check(token)
    settings.KUAIBAN_VISIT_RATING_LINK_DAYS = 30
    assert visit_link_check(token).visit_id == visit.pk
    settings.KUAIBAN_VISIT_RATING_LINK_DAYS = 3
    signing_clock.now = NOW + dt.timedelta(days=2)
    assert visit_link_check(token).visit_id == visit.pk
    signing_clock.now = NOW + dt.timedelta(days=4)
    with pytest.raises(LinkExpired):
        visit_link_check(token)


def test_a_token_not_signed_for_a_visit_link_is_refused(world) -> None:
    visit = walk_in(world)
    token = visit_link_token(visit)
    _payload, stamp, signature = token.split(":")
    others = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        f"{signing.dumps({'v': visit.pk + 1}).split(':')[0]}:{stamp}:{signature}",  # payload
        signing.dumps({"v": visit.pk}),  # Django's default salt: another purpose's token
        signing.dumps({"v": visit.pk}, salt=SALT + ".other"),
        signing.dumps([visit.pk], salt=SALT),  # our salt, not our shape
        signing.dumps({"v": "1"}, salt=SALT),
        "not-a-token",
        "",
    ]
    for other in others:
        with pytest.raises(NotFound):
            visit_link_check(other)


@pytest.mark.parametrize("value", [0, -1, "fifteen"])
def test_the_link_days_must_be_a_positive_whole_number(settings, value) -> None:
    settings.KUAIBAN_VISIT_RATING_LINK_DAYS = value
    with pytest.raises(ImproperlyConfigured):
        conf.visit_link_days()


# ---------------------------------------------------------------------------------------------
# The message and the receipt
# ---------------------------------------------------------------------------------------------


def test_the_link_is_texted_once_to_the_phone_on_record_which_the_log_masks(
    world, settings, caplog
) -> None:
    settings.KUAIBAN_PUBLIC_URL = "https://kuaiban.example.cn/"
    visit = walk_in(world)
    assert visit_record(clerk=world["clerk-lixia"], application=visit.application) == visit
    [message] = OutboxMessage.objects.filter(idempotency_key__startswith="rating.visit-link:")
    url = visit_link_url(visit)
    assert url.startswith("https://kuaiban.example.cn/ratings/visit/")
    assert message.idempotency_key == f"rating.visit-link:{visit.pk}"
    assert message.kind == "notify.applicant"
    assert message.payload["url"] == url and url in message.payload["text"]
    assert message.payload["purpose"] == "rating.visit-link"
    assert "2025年03月18日前有效" in message.payload["text"]  # 15 days after the visit
    assert WALK_IN_PHONE not in str(message.payload)  # the handler looks the number up
    settings.KUAIBAN_NOTIFY_CHANNELS = "console"
    with caplog.at_level(logging.INFO, logger="kuaiban.notify"):
        HANDLERS[message.kind](message)
    [line] = [r.getMessage() for r in caplog.records if r.name == "kuaiban.notify"]
    assert "王秀英 139****9999" in line and WALK_IN_PHONE not in line
    # The log names the link but not its signature: whoever reads logs cannot rate for her.
    kept, signature = url.rstrip("/").rsplit(":", 1)
    assert "邀请您评价窗口服务" in line and f"{kept}:***/" in line and signature not in line


def test_an_api_submission_at_the_window_records_the_visit_and_texts_its_link(world) -> None:
    visit = walk_in(world)
    assert visit.applicant_name == "王秀英" and visit.agency is not None
    assert WindowVisit.objects.count() == 1
    [message] = OutboxMessage.objects.filter(idempotency_key=f"rating.visit-link:{visit.pk}")
    assert message.payload["url"] == visit_link_url(visit)
    # An applicant's own online submission is no window visit.
    response = post_multipart(
        as_user(world["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201, response.content
    assert WindowVisit.objects.count() == 1


def test_the_visit_took_place_at_the_clerks_own_hall_not_at_an_agency_working_the_case(
    world,
) -> None:
    visit = walk_in(world)
    assert visit.application is not None
    case_agencies = {s.agency.name for s in visit.application.subcases.select_related("agency")}
    assert "济南市社会保险事业中心" in case_agencies  # the case goes on to the city's agencies
    assert visit.agency is not None and visit.agency.name == "历下区人社服务大厅"
    [message] = OutboxMessage.objects.filter(idempotency_key=f"rating.visit-link:{visit.pk}")
    assert "在历下区人社服务大厅窗口办理了" in message.payload["text"]
    page = Client().get(link(visit)).content.decode()
    assert "历下区人社服务大厅" in page
    assert not any(name in page for name in case_agencies)
    # A clerk with no hall on record served at their region's hall, still not at a case agency.
    hallless = User.objects.create(
        username="clerk-2", role=Role.CLERK, region=world["clerk-lixia"].region
    )
    other = visit_record(clerk=hallless, application=visit.application)
    assert other.agency is None
    assert "历下区人社服务大厅" in Client().get(link(other)).content.decode()


def test_the_form_phone_reaches_a_visitor_the_clerk_took_no_phone_for(world) -> None:
    visit = walk_in(world, phone="")
    assert visit.application is not None and visit.application.applicant_phone == "13905310000"
    assert OutboxMessage.objects.filter(idempotency_key=f"rating.visit-link:{visit.pk}").exists()


def test_no_message_without_a_phone_on_record(world) -> None:
    clerk = world["clerk-lixia"]
    visit = walk_in(world)
    application = visit.application
    assert application is not None
    Application.objects.filter(pk=application.pk).update(applicant_phone="")
    OutboxMessage.objects.filter(idempotency_key__startswith="rating.visit-link:").delete()
    application.refresh_from_db()
    visit_record(clerk=clerk, application=application)
    assert not OutboxMessage.objects.filter(idempotency_key__startswith="rating.visit-link:")


def test_the_clerks_receipt_shows_the_link_as_text_and_as_a_qr_code(world) -> None:
    visit = walk_in(world)
    assert visit.application is not None
    receipt = f"/me/applications/{visit.application.number}/receipt/"
    clerk = as_user(world["clerk-lixia"])
    page = clerk.get(receipt).content.decode()
    url = "http://testserver" + link(visit)  # no KUAIBAN_PUBLIC_URL: the address asked for
    assert f'<a href="{url}"' in page and "扫码评价" in page
    assert str(qr_svg(url)) in page  # the QR code of exactly this link, inline
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="qr"><title>评价二维码</title>', page)
    assert "<img" not in page and "139****9999" in page and WALK_IN_PHONE not in page
    # Another clerk of the same hall sees the receipt, not this visitor's link.
    other = User.objects.create(
        username="clerk-2", role=Role.CLERK, region=world["clerk-lixia"].region
    )
    page = as_user(other).get(receipt).content.decode()
    assert "申请已受理" in page and "ratings/visit/" not in page
    # Once rated, the clerk's page says so instead of offering the link again.
    Client().post(link(visit), GOOD)
    page = clerk.get(receipt).content.decode()
    assert "办事人已评价" in page and "非常满意" in page and 'class="qr"' not in page


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def test_the_visitor_rates_once_without_an_account(world) -> None:
    visit = walk_in(world)
    visitor = Client()
    page = visitor.get(link(visit)).content.decode()
    assert "评价窗口服务" in page and "2025年3月3日 09:30" in page
    assert "王敏（历下区综合柜员）" in page  # the clerk by name
    assert "370102********4028" in page and WALK_IN_ID not in page  # masked, never in full
    assert visit.agency is not None and visit.agency.name in page
    assert page.count("<fieldset") == 4  # 整体满意度 and the three window indicators
    for label in ("整体满意度", "服务效率", "服务水平", "服务态度", "评价内容"):
        assert label in page
    assert "办事指南精确度" not in page and 'name="csrfmiddlewaretoken"' in page
    # A bad rating without its reason: refused with the reason asked for, answers kept.
    response = visitor.post(link(visit), BAD | {"comment": " "})
    assert response.status_code == 422 and 'href="#comment"' in response.content.decode()
    assert 'id="level-1" name="level" value="1" checked' in response.content.decode()
    assert not Rating.objects.exists()
    response = visitor.post(link(visit), BAD)
    assert response.status_code == 302 and response["Location"] == link(visit)
    rating = Rating.objects.get()
    assert rating.visit == visit and rating.subject == "visit" and rating.level == 1
    assert rating.rated_by is None and rating.real_name and not rating.is_default
    assert rating.indicators == {"overall": 1, "efficiency": 2, "skill": 2, "attitude": 1}
    assert OutboxMessage.objects.filter(idempotency_key=f"rating.push:{rating.pk}").exists()
    event = AuditEvent.objects.get(action="rating.create", object_id=str(rating.pk))
    assert event.changes["via"] == "link"
    page = visitor.get(response["Location"]).content.decode()
    assert "已评价" in page and "非常不满意" in page and "窗口人员态度生硬" in page
    assert "我们会尽快与您联系" in page and "待回访" in page and 'name="level"' not in page
    # A second attempt: told it is rated, shown the rating, never a second one.
    response = visitor.post(link(visit), GOOD)
    assert response.status_code == 302
    page = visitor.get(link(visit)).content.decode()
    assert "已经评价过" in page and "非常不满意" in page
    assert Rating.objects.count() == 1 and Rating.objects.get().level == 1


def test_a_bad_rating_by_link_opens_the_ticket_as_the_logged_in_path_does(world) -> None:
    by_link = walk_in(world)
    Client().post(link(by_link), BAD)
    logged_in = WindowVisit.objects.create(
        applicant=world["zhangjianguo"],
        applicant_name="张建国",
        clerk=world["clerk-lixia"],
        region=by_link.region,
        application=by_link.application,
        agency=by_link.agency,
        visited_at=NOW,
    )
    as_user(world["zhangjianguo"]).post(f"/ratings/visits/{logged_in.pk}/", BAD)
    tickets = {t.rating.visit_id: t for t in RectificationTicket.objects.all()}
    assert set(tickets) == {by_link.pk, logged_in.pk}

    def shape(ticket: RectificationTicket) -> tuple[Any, ...]:
        step = ticket.steps.get()
        return (ticket.status, ticket.agency_id, ticket.opened_at, step.kind, step.due_at)

    assert shape(tickets[by_link.pk]) == shape(tickets[logged_in.pk])
    assert shape(tickets[by_link.pk])[0] == TicketStatus.CALLBACK
    assert shape(tickets[by_link.pk])[3] == StepKind.CALLBACK
    # The hall where the person was served calls back: its head, not a case agency's officer.
    assert tickets[by_link.pk].agency.name == "历下区人社服务大厅"
    assert tickets[by_link.pk].steps.get().owner == world["officer-lixia-hall"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + "xx",
        lambda token: token.replace(":", ":A", 1),
        lambda token: "abc",
        lambda token: signing.dumps({"v": 1}),
    ],
    ids=["signature", "stamp", "junk", "other-salt"],
)
def test_an_altered_token_is_a_404_page_never_a_500(world, mangle) -> None:
    visit = walk_in(world)
    url = "/ratings/visit/" + mangle(visit_link_token(visit)) + "/"
    for response in (Client().get(url), Client().post(url, GOOD)):
        assert response.status_code == 404
        page = response.content.decode()
        assert "评价链接无效" in page and "扫描受理回执上的二维码" in page
    assert not Rating.objects.exists()


def test_the_link_of_a_visit_that_is_gone_is_a_404_page(world) -> None:
    visit = walk_in(world)
    url = link(visit)
    visit.delete()
    response = Client().get(url)
    assert response.status_code == 404 and "窗口服务记录不存在" in response.content.decode()


def test_an_expired_link_is_a_410_page(world, signing_clock) -> None:
    visit = walk_in(world)
    signing_clock.now = NOW + dt.timedelta(days=16)
    for response in (Client().get(link(visit)), Client().post(link(visit), GOOD)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "评价链接已过期" in page and "15 日内有效" in page
    assert not Rating.objects.exists()


def test_csrf_protection_stays_on(world) -> None:
    visit = walk_in(world)
    visitor = Client(enforce_csrf_checks=True)
    assert visitor.post(link(visit), GOOD).status_code == 403
    page = visitor.get(link(visit)).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found
    response = visitor.post(link(visit), GOOD | {"csrfmiddlewaretoken": found.group(1)})
    assert response.status_code == 302 and Rating.objects.count() == 1


def test_staff_accounts_cannot_rate_in_the_visitors_place(world) -> None:
    visit = walk_in(world)
    clerk = as_user(world["clerk-lixia"])
    page = clerk.get(link(visit)).content.decode()
    assert "工作人员账号不能代替办事人评价" in page and 'name="level"' not in page
    response = clerk.post(link(visit), GOOD)
    assert response.status_code == 403 and not Rating.objects.exists()
    assert Client().post(link(visit), GOOD).status_code == 302  # the visitor still can


# ---------------------------------------------------------------------------------------------
# A visitor with an account: either path, one rating
# ---------------------------------------------------------------------------------------------


def _account_visit(world, done_app) -> WindowVisit:
    visit = visit_record(clerk=world["clerk-lixia"], application=done_app)
    assert visit.applicant == world["zhangjianguo"]
    return visit


def test_an_account_holder_rates_by_link_and_the_account_path_then_refuses(world, done_app) -> None:
    visit = _account_visit(world, done_app)
    assert OutboxMessage.objects.filter(idempotency_key=f"rating.visit-link:{visit.pk}").exists()
    assert Client().post(link(visit), GOOD).status_code == 302
    account = as_user(world["zhangjianguo"])
    assert account.get(f"/ratings/visits/{visit.pk}/").status_code == 302
    assert account.post(f"/ratings/visits/{visit.pk}/", BAD).status_code == 302
    assert Rating.objects.filter(visit=visit).count() == 1
    assert Rating.objects.get().level == 5 and not RectificationTicket.objects.exists()


def test_an_account_holder_rates_logged_in_and_the_link_then_shows_it(world, done_app) -> None:
    visit = _account_visit(world, done_app)
    account = as_user(world["zhangjianguo"])
    assert account.post(f"/ratings/visits/{visit.pk}/", GOOD).status_code == 302
    page = Client().get(link(visit)).content.decode()
    assert "已评价" in page and "非常满意" in page and 'name="level"' not in page
    assert Client().post(link(visit), BAD).status_code == 302
    assert Rating.objects.filter(visit=visit).count() == 1


def test_the_applicant_logged_in_on_the_link_page_rates_as_themselves(world, done_app) -> None:
    visit = _account_visit(world, done_app)
    as_user(world["zhangjianguo"]).post(link(visit), GOOD)
    assert Rating.objects.get(visit=visit).rated_by == world["zhangjianguo"]


def test_another_persons_account_on_the_link_rates_as_the_link_holder(world, done_app) -> None:
    visit = _account_visit(world, done_app)
    relative = User.objects.create(username="daughter", role=Role.PERSON)
    as_user(relative).post(link(visit), GOOD)
    assert Rating.objects.get(visit=visit).rated_by is None


# ---------------------------------------------------------------------------------------------
# Two submissions at once
# ---------------------------------------------------------------------------------------------


def test_a_submission_racing_another_ends_in_one_rating(world) -> None:
    """The other submission lands between this one's check and its insert: the one-to-one
    constraint refuses this one, and the visitor is told it is rated."""
    visit = walk_in(world)
    check = services._checked
    raced: list[Rating] = []
    calls: list[int] = []

    def other_lands_first(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # this submission, checked: the other one comes in now
            raced.append(
                rating_submit_visit(
                    actor=None,
                    visit=visit,
                    level=5,
                    indicators={"efficiency": 5, "skill": 5, "attitude": 5},
                    link=visit_link_check(visit_link_token(visit)),
                )
            )
        return check(*args)

    visitor = Client()
    with mock.patch.object(services, "_checked", other_lands_first):
        response = visitor.post(link(visit), BAD)
    assert response.status_code == 302 and raced
    page = visitor.get(link(visit)).content.decode()
    assert "已经评价过" in page and "非常满意" in page
    assert Rating.objects.count() == 1 and Rating.objects.get() == raced[0]
    assert not RectificationTicket.objects.exists()
    assert OutboxMessage.objects.filter(idempotency_key__startswith="rating.push:").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks tables instead of waiting",
)
def test_two_requests_at_the_same_moment_end_in_one_rating(world) -> None:
    visit = walk_in(world)
    url = link(visit)
    # Both requests pass the "already rated?" checks before either inserts.
    barrier = threading.Barrier(2, timeout=20)
    check = services._checked

    def together(*args: Any) -> Any:
        barrier.wait()
        return check(*args)

    statuses: list[int] = []

    def submit(form: dict[str, str]) -> None:
        try:
            statuses.append(Client().post(url, form).status_code)
        finally:
            connection.close()

    with mock.patch.object(services, "_checked", together):
        threads = [threading.Thread(target=submit, args=(form,)) for form in (GOOD, BAD)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert statuses == [302, 302]
    assert Rating.objects.filter(visit=visit).count() == 1
    assert RectificationTicket.objects.count() == (1 if Rating.objects.get().level == 1 else 0)


# ---------------------------------------------------------------------------------------------
# Query count
# ---------------------------------------------------------------------------------------------


def test_the_link_page_reads_the_visit_in_one_query(world, django_assert_max_num_queries) -> None:
    """The visit, its hall, clerk, application, rating and ticket come in one query."""
    visit = walk_in(world)
    visitor = Client()
    with django_assert_max_num_queries(1):
        assert visitor.get(link(visit)).status_code == 200
    visitor.post(link(visit), BAD)
    with django_assert_max_num_queries(1):
        page = visitor.get(link(visit)).content.decode()
    assert "已评价" in page and "待回访" in page


# ---------------------------------------------------------------------------------------------
# On the visitor's phone
# ---------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_visitor_rates_on_a_phone_in_large_text_with_the_keyboard(
    world, live_server, phone
) -> None:
    visit = walk_in(world)
    page = phone
    page.context.add_cookies([{"name": "kuaiban_large_text", "value": "1", "url": live_server.url}])
    page.goto(live_server.url + link(visit))
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Skip link, then Tab: straight to the first question.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "level-5"
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # 5 → 2 不满意
    for _ in range(3):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # 非常满意 for each indicator
    page.keyboard.press("Tab")
    page.keyboard.type("排队取号后等了一个小时")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "已评价"
    assert "感谢您的评价" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    rating = Rating.objects.get(visit=visit)
    assert rating.level == 2 and rating.comment == "排队取号后等了一个小时"
    assert rating.indicators == {"overall": 2, "efficiency": 5, "skill": 5, "attitude": 5}
    assert rating.rated_by is None and RectificationTicket.objects.filter(rating=rating).exists()
