"""The province's data-sharing platform over HTTP; the contract is in ``shareddata/README.md``.

Standard library only (urllib): one GET per lookup, a bearer token, no redirects followed
(a redirect could carry the token and the ID number to another host), a time limit on the
connection and on the whole answer, and a strict reading of the answer. Anything short of
a well-formed answer raises ``SharedDataUnavailable``; the caller then asks the applicant.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from typing import IO, Any
from urllib.parse import quote

from kuaiban.shareddata.connectors.base import (
    ENTERPRISE_PATHS,
    PERSON_PATHS,
    RECORD_SOURCES,
    RecordRef,
    SharedDataUnavailable,
    SharedProfile,
)
from kuaiban.shareddata.connectors.records import PersonRecords, records_parse

# A profile is a few kilobytes, 45 years of months about 250; more is a broken or hostile answer.
MAX_ANSWER_BYTES = 1 << 20
_CHUNK = 64 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


class HttpConnector:
    """``GET {url}/persons/{id_number}`` and ``GET {url}/enterprises/{credit_code}``."""

    name = "http"

    def __init__(self, *, url: str, timeout: float = 3.0, token: str = "") -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._token = token
        self._opener = urllib.request.build_opener(_NoRedirects())

    def person(self, id_number: str) -> SharedProfile | None:
        key = id_number.strip().upper()
        body = self._get(f"persons/{quote(key, safe='')}")
        if body is None:
            return None
        return profile_parse(
            body, connector=self.name, allowed=PERSON_PATHS, key_path="person.id_number", key=key
        )

    def enterprise(self, credit_code: str) -> SharedProfile | None:
        key = credit_code.strip().upper()
        body = self._get(f"enterprises/{quote(key, safe='')}")
        if body is None:
            return None
        return profile_parse(
            body,
            connector=self.name,
            allowed=ENTERPRISE_PATHS,
            key_path="enterprise.credit_code",
            key=key,
        )

    def records(self, id_number: str) -> PersonRecords | None:
        """``GET {url}/persons/{id_number}/records``: months, benefits, 职业年金, certificates."""
        key = id_number.strip().upper()
        body = self._get(f"persons/{quote(key, safe='')}/records")
        if body is None:
            return None
        return records_parse(_json_object(body))

    def _get(self, path: str) -> bytes | None:
        """The body of a 200 answer, None for 404; anything else raises SharedDataUnavailable."""
        deadline = time.monotonic() + self.timeout
        try:
            request = urllib.request.Request(
                f"{self.url}/{path}",
                headers={"Accept": "application/json", "User-Agent": "kuaiban-shareddata/1"},
            )
            if self._token:
                request.add_unredirected_header("Authorization", f"Bearer {self._token}")
            with self._opener.open(request, timeout=self.timeout) as response:
                if response.status != 200:
                    raise SharedDataUnavailable(
                        f"共享数据平台返回了意外的状态（HTTP {response.status}）"
                    )
                return self._read(response, deadline)
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 404:
                return None
            raise SharedDataUnavailable(f"共享数据平台返回错误（HTTP {error.code}）") from error
        except TimeoutError as error:
            raise self._timed_out() from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self._timed_out() from error
            raise SharedDataUnavailable("无法连接共享数据平台") from error
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise SharedDataUnavailable("无法连接共享数据平台") from error

    def _read(self, response: http.client.HTTPResponse, deadline: float) -> bytes:
        # read1: at most one receive per call, so a server that trickles bytes is cut off at
        # the deadline instead of holding the request open one socket timeout per byte.
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise SharedDataUnavailable("共享数据平台的响应过大")
            if time.monotonic() > deadline:
                raise self._timed_out()
            chunks.append(chunk)
        return b"".join(chunks)

    def _timed_out(self) -> SharedDataUnavailable:
        return SharedDataUnavailable(f"共享数据平台在{self.timeout:g}秒内没有响应")


def profile_parse(
    body: bytes, *, connector: str, allowed: frozenset[str], key_path: str, key: str
) -> SharedProfile:
    """Read an answer strictly: a value outside ``allowed`` refuses the whole answer.

    A path we do not know means the platform and this release disagree on the contract;
    guessing which of its values still mean what we think could prefill a wrong field.
    """
    document = _json_object(body)
    values = _values(document.get("values"), allowed)
    records = _records(document.get("records"), connector)
    if values.get(key_path, key) != key:
        raise SharedDataUnavailable("共享数据平台返回的记录与查询的证件号码不一致")
    unsourced = sorted({path.split(".", 1)[0] for path in values} - {r.source for r in records})
    if unsourced:
        raise _malformed(f"数据项缺少来源记录（{'、'.join(unsourced)}）")
    return SharedProfile(values=values, records=records)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _malformed("不是有效的 JSON") from error
    if not isinstance(document, dict):
        raise _malformed("应为 JSON 对象")
    return document


def _values(raw: object, allowed: frozenset[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise _malformed("缺少 values 对象")
    unknown = sorted(str(path)[:60] for path in raw if path not in allowed)
    if unknown:
        raise SharedDataUnavailable(f"共享数据平台返回了未约定的数据项：{'、'.join(unknown[:5])}")
    values: dict[str, str] = {}
    for path, value in raw.items():
        if value is None or value == "":
            continue  # nothing on file: the applicant is asked, as with the local source
        if not isinstance(value, str):
            raise _malformed(f"数据项 {path} 的取值应为字符串")
        values[path] = value
    return values


def _records(raw: object, connector: str) -> list[RecordRef]:
    if not isinstance(raw, list):
        raise _malformed("缺少 records 列表")
    records = []
    for item in raw:
        if not isinstance(item, dict):
            raise _malformed("records 的每一项应为对象")
        source, record = item.get("source"), item.get("record")
        if source not in RECORD_SOURCES or not isinstance(source, str):
            raise _malformed(f"未约定的记录来源 {str(source)[:30]}")
        if not isinstance(record, str) or not record or len(record) > 200:
            raise _malformed("记录标识应为不超过200字的非空字符串")
        records.append(RecordRef(source=source, connector=connector, record=record))
    return records


def _malformed(detail: str) -> SharedDataUnavailable:
    return SharedDataUnavailable(f"共享数据平台返回的数据格式不正确：{detail}")
