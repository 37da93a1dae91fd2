"""HttpConnector against a real HTTP server on 127.0.0.1 (the fake platform in conftest)."""

from __future__ import annotations

import json
import socket
import time

import pytest

from kuaiban.shareddata.connectors import HttpConnector, RecordRef, SharedDataUnavailable
from kuaiban.shareddata.selectors import NOTICE_NOT_FOUND, NOTICE_UNAVAILABLE, lookup_person
from tests.conftest import make_credit_code, make_id_number

ID = make_id_number(region="370102", birth="19650312", seq="123")
X_ID = "11010519491231002X"
CODE = make_credit_code("91370100MA3C4X5K7")

PERSON = {
    "values": {
        "person.name": "张建国",
        "person.id_number": ID,
        "person.birth_date": "1965-03-12",
        "person.phone": "",  # blank: not on file
        "insurance.contribution_months": "468",
        "e_certificate.social_security_card": "370100D156000005",
    },
    "records": [
        {"source": "person", "record": "RK-2020-000123"},
        {"source": "insurance", "record": "CB-37-88812"},
        {"source": "e_certificate", "record": "SBK-1"},
    ],
}


def connector(platform, *, timeout: float = 0.5, token: str = "s3cret") -> HttpConnector:
    return HttpConnector(url=platform.url + "/", timeout=timeout, token=token)


def test_a_person_is_found_with_values_and_records(platform):
    platform.answer(f"/api/persons/{ID}", 200, PERSON)
    profile = connector(platform).person(ID)
    assert profile is not None
    assert profile.values == {
        "person.name": "张建国",
        "person.id_number": ID,
        "person.birth_date": "1965-03-12",
        "insurance.contribution_months": "468",
        "e_certificate.social_security_card": "370100D156000005",
    }
    assert profile.records == [
        RecordRef(source="person", connector="http", record="RK-2020-000123"),
        RecordRef(source="insurance", connector="http", record="CB-37-88812"),
        RecordRef(source="e_certificate", connector="http", record="SBK-1"),
    ]


def test_an_enterprise_is_found(platform):
    platform.answer(
        f"/api/enterprises/{CODE}",
        200,
        {
            "values": {
                "enterprise.name": "济南齐鲁精工机械有限公司",
                "enterprise.credit_code": CODE,
            },
            "records": [{"source": "enterprise", "record": "QY-1"}],
        },
    )
    profile = connector(platform).enterprise(CODE.lower())
    assert profile is not None and profile.values["enterprise.name"] == "济南齐鲁精工机械有限公司"
    assert profile.sources == {"enterprise"}


def test_the_number_is_sent_upper_case(platform):
    platform.answer(
        f"/api/persons/{X_ID}",
        200,
        {"values": {"person.name": "赵六"}, "records": [{"source": "person", "record": "1"}]},
    )
    assert connector(platform).person(X_ID.lower()) is not None
    assert platform.requests[0][0] == f"/api/persons/{X_ID}"


def test_not_found_is_none(platform):
    assert connector(platform).person(ID) is None
    assert connector(platform).enterprise(CODE) is None
    result = lookup_person(id_number=ID, connector=connector(platform))
    assert (result.profile, result.available, result.notice) == (None, True, NOTICE_NOT_FOUND)


def test_the_bearer_token_is_sent(platform):
    platform.answer(f"/api/persons/{ID}", 200, PERSON)
    connector(platform, token="s3cret").person(ID)
    headers = platform.requests[0][1]
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["Accept"] == "application/json"


def test_no_token_no_header(platform):
    connector(platform, token="").person(ID)
    assert "Authorization" not in platform.requests[0][1]


@pytest.mark.parametrize("status", [500, 502, 503, 401, 403, 400])
def test_an_error_status_is_unavailable(platform, status):
    platform.answer(f"/api/persons/{ID}", status, {"error": "boom"})
    with pytest.raises(SharedDataUnavailable, match=f"HTTP {status}"):
        connector(platform).person(ID)


def test_a_500_gives_the_applicant_a_notice(platform):
    platform.answer(f"/api/persons/{ID}", 500, b"Internal Server Error")
    result = lookup_person(id_number=ID, connector=connector(platform))
    assert result.profile is None
    assert result.available is False
    assert result.notice == NOTICE_UNAVAILABLE == "共享数据平台暂时无法访问，请您手动填写并上传材料"
    assert result.connector == "http"


def test_a_slow_platform_is_unavailable_within_the_timeout(platform):
    def hang(request):
        platform.release.wait(10)  # far longer than the timeout; released at teardown

    platform.routes[f"/api/persons/{ID}"] = hang
    started = time.monotonic()
    result = lookup_person(id_number=ID, connector=connector(platform, timeout=0.5))
    elapsed = time.monotonic() - started
    assert result.available is False and result.notice == NOTICE_UNAVAILABLE
    assert 0.4 < elapsed < 1.5


def test_a_trickling_answer_is_cut_off_at_the_deadline(platform):
    body = json.dumps(PERSON).encode()

    def trickle(request):
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        for byte in body:  # one byte every 0.1 s: each read is in time, the whole is not
            request.wfile.write(bytes([byte]))
            request.wfile.flush()
            if platform.release.wait(0.1):
                return

    platform.routes[f"/api/persons/{ID}"] = trickle
    started = time.monotonic()
    with pytest.raises(SharedDataUnavailable, match=r"0\.5秒内没有响应"):
        connector(platform, timeout=0.5).person(ID)
    assert time.monotonic() - started < 1.5


def test_a_closed_port_is_unavailable():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SharedDataUnavailable, match="无法连接共享数据平台"):
        HttpConnector(url=f"http://127.0.0.1:{port}", timeout=0.5).person(ID)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Bad gateway</html>",
        b'{"values": {"person.name": "\xff"',
        b"[]",
        b'{"records": []}',
        b'{"values": {}, "records": {}}',
        b'{"values": {"person.name": 42}, "records": [{"source": "person", "record": "1"}]}',
        b'{"values": {}, "records": [{"source": "passport", "record": "1"}]}',
        b'{"values": {}, "records": [{"source": "person", "record": ""}]}',
        b'{"values": {}, "records": ["person"]}',
    ],
)
def test_a_malformed_answer_is_unavailable(platform, body):
    platform.answer(f"/api/persons/{ID}", 200, body)
    with pytest.raises(SharedDataUnavailable, match="数据格式不正确"):
        connector(platform).person(ID)


def test_a_value_without_its_record_is_refused(platform):
    answer = {"values": {"insurance.status": "正常参保"}, "records": PERSON["records"][:1]}
    platform.answer(f"/api/persons/{ID}", 200, answer)
    with pytest.raises(SharedDataUnavailable, match="缺少来源记录（insurance）"):
        connector(platform).person(ID)


def test_a_disability_card_is_part_of_the_contract(platform):
    """The 残疾人证 (残联's data) comes in a person answer like the other certificates: the
    hall's 绿色通道 reads it from here in production."""
    platform.person(
        ID,
        {"person.name": "张建国", "e_certificate.disability_card": "37010219650312123"},
        {"person": "RK-1", "e_certificate": "CJR-37010219650312123"},
    )
    profile = connector(platform).person(ID)
    assert profile is not None
    assert profile.values["e_certificate.disability_card"] == "37010219650312123"
    assert RecordRef("e_certificate", "http", "CJR-37010219650312123") in profile.records


# Decision: a value path outside PREFILL_PATHS refuses the whole answer (not dropped):
# the platform and this release disagree on the contract. See shareddata/README.md.
def test_an_unknown_value_path_refuses_the_answer(platform):
    answer = json.loads(json.dumps(PERSON))
    answer["values"]["person.nationality"] = "汉族"
    platform.answer(f"/api/persons/{ID}", 200, answer)
    with pytest.raises(SharedDataUnavailable, match=r"未约定的数据项：person\.nationality"):
        connector(platform).person(ID)


def test_an_enterprise_path_in_a_person_answer_is_refused(platform):
    answer = json.loads(json.dumps(PERSON))
    answer["values"]["enterprise.name"] = "某公司"
    platform.answer(f"/api/persons/{ID}", 200, answer)
    with pytest.raises(SharedDataUnavailable, match=r"enterprise\.name"):
        connector(platform).person(ID)


def test_an_answer_about_someone_else_is_refused(platform):
    answer = json.loads(json.dumps(PERSON))
    answer["values"]["person.id_number"] = X_ID
    platform.answer(f"/api/persons/{ID}", 200, answer)
    with pytest.raises(SharedDataUnavailable, match="不一致"):
        connector(platform).person(ID)


def test_a_redirect_is_not_followed(platform):
    platform.answer(f"/api/persons/{ID}", 302, b"", Location=f"{platform.url}/elsewhere")
    platform.answer("/api/elsewhere", 200, PERSON)
    with pytest.raises(SharedDataUnavailable, match="HTTP 302"):
        connector(platform).person(ID)
    assert [path for path, _ in platform.requests] == [f"/api/persons/{ID}"]


def test_an_oversized_answer_is_unavailable(platform):
    platform.answer(f"/api/persons/{ID}", 200, b" " * (1024 * 1024 + 10))
    with pytest.raises(SharedDataUnavailable, match="过大"):
        connector(platform).person(ID)
