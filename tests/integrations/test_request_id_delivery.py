"""The request id travels from the web request into the outbox message and its delivery."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from kuaiban.core.json_logs import JsonLogFormatter
from kuaiban.core.masking import MaskPersonalDataFilter
from kuaiban.core.request_id import RequestIdLogFilter, request_id_bound
from tests.integrations.helpers import drain, fresh


@pytest.fixture
def outbox_log() -> Iterator[io.StringIO]:
    """The worker's log lines as production writes them: masked, with the id, JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("kuaiban.outbox")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_message_keeps_the_request_id_and_the_delivery_sends_and_logs_it(
    world, receiver, outbox_log
):
    subcase = world.subcase()
    with request_id_bound("lb-7f3a9c2e11"):
        message = world.dispatch(subcase)
    assert fresh(message).request_id == "lb-7f3a9c2e11"

    assert drain().delivered == 1

    [arrival] = receiver.arrivals
    assert {k.lower(): v for k, v in arrival.headers.items()}["x-request-id"] == "lb-7f3a9c2e11"
    lines = [json.loads(line) for line in outbox_log.getvalue().splitlines()]
    delivered = [line for line in lines if line["message"].startswith("已送达")]
    assert delivered and delivered[0]["request_id"] == "lb-7f3a9c2e11"


def test_a_message_written_outside_a_request_is_named_by_its_own_id(world, receiver):
    message = world.dispatch(world.subcase())
    assert message.request_id == ""

    drain()

    [arrival] = receiver.arrivals
    assert {k.lower(): v for k, v in arrival.headers.items()}[
        "x-request-id"
    ] == f"outbox-{message.pk}"


def test_the_id_is_not_left_bound_after_the_delivery(world, receiver):
    from kuaiban.core.request_id import request_id_current

    with request_id_bound("lb-aaaaaaaa01"):
        world.dispatch(world.subcase())
    drain()
    assert request_id_current() == ""
