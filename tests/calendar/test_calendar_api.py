"""GET /api/v1/calendar/due-date: good answers, and a 422 (never a 500) for every bad input."""

from __future__ import annotations

import pytest

URL = "/api/v1/calendar/due-date"


@pytest.mark.usefixtures("official_calendar")
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2024-02-08", "2", "2024-02-18"),  # across 春节 onto a make-up Sunday
        ("2025-09-30", "1", "2025-10-09"),  # across 国庆节
        ("2025-12-31", "1", "2026-01-04"),  # across 元旦
        ("2024-02-12", "0", "2024-02-12"),
        ("2004-01-01", "3650", "2018-08-07"),  # the largest accepted N
    ],
)
def test_due_date(client, start, days, expected):
    response = client.get(URL, {"start": start, "working_days": days})
    assert response.status_code == 200
    assert response.json() == {"due_date": expected}


@pytest.mark.usefixtures("official_calendar")
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2024-02-08", "working_days": "abc"}, "working_days", "必须是整数"),
        ({"start": "2024-02-08", "working_days": "5.0"}, "working_days", "必须是整数"),
        ({"start": "2024-02-08", "working_days": "+5"}, "working_days", "必须是整数"),
        ({"start": "2024-02-08", "working_days": ""}, "working_days", "必须是整数"),
        ({"start": "2024-02-08", "working_days": "-1"}, "working_days", "不能为负数"),
        ({"start": "2024-02-08", "working_days": "3651"}, "working_days", "不能超过3650"),
        ({"start": "2024-02-08", "working_days": "9" * 40}, "working_days", "不能超过3650"),
        ({"start": "2024-2-8", "working_days": "1"}, "start", "YYYY-MM-DD"),
        ({"start": "20240208", "working_days": "1"}, "start", "YYYY-MM-DD"),
        ({"start": "1706976000", "working_days": "1"}, "start", "YYYY-MM-DD"),
        ({"start": "2024-02-08T00:00", "working_days": "1"}, "start", "YYYY-MM-DD"),
        ({"start": "2024-02-30", "working_days": "1"}, "start", "不是有效的日期"),
        ({"working_days": "1"}, "start", ""),
        ({"start": "2024-02-08"}, "working_days", ""),
    ],
)
def test_bad_input_is_a_422_naming_the_parameter(client, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", "请求参数不正确")
    assert message in " ".join(error["fields"][field])


@pytest.mark.usefixtures("official_calendar")
@pytest.mark.parametrize(
    ("start", "year"),
    [("2026-12-31", "2027"), ("2003-06-01", "2003"), ("9999-12-31", "9999")],
)
def test_beyond_the_calendar_is_a_422_naming_the_year(client, start, year):
    response = client.get(URL, {"start": start, "working_days": "1"})
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "calendar_not_configured",
            "message": (
                f"工作日历未配置{year}年的节假日安排，请管理员先录入{year}年的放假和调休安排"
            ),
        }
    }


def test_an_empty_calendar_is_a_422_not_a_500(client, db):
    response = client.get(URL, {"start": "2025-03-03", "working_days": "1"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "calendar_not_configured"


def test_the_openapi_document_describes_the_parameters_in_chinese(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["get"]
    parameters = {param["name"]: param for param in operation["parameters"]}
    assert "起算日期" in parameters["start"]["description"]
    assert parameters["working_days"]["schema"]["maximum"] == 3650
    assert {"200", "422"} <= set(operation["responses"])
