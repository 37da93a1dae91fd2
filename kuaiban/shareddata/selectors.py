"""Reading shared data for an applicant: a profile, or a notice saying why there is none.

The applicant is not asked for what the bureau already knows (材料从“手上来”变为“网上来”).
When the source cannot answer, nothing breaks: the result carries a notice for the applicant,
who then fills in the form and gives the materials as without shared data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kuaiban.core.masking import mask_id_number
from kuaiban.shareddata.connectors import (
    SharedDataConnector,
    SharedDataUnavailable,
    SharedProfile,
    default_connector,
)

logger = logging.getLogger("kuaiban.shareddata")

NOTICE_UNAVAILABLE = "共享数据平台暂时无法访问，请您手动填写并上传材料"
NOTICE_NOT_FOUND = "共享数据中未查到相关信息，请您手动填写并上传材料"


@dataclass(frozen=True)
class LookupResult:
    """``profile`` when found; ``notice`` (Chinese, for the applicant) is empty when found."""

    profile: SharedProfile | None
    notice: str
    available: bool
    connector: str


def lookup_person(*, id_number: str, connector: SharedDataConnector | None = None) -> LookupResult:
    source = connector or default_connector()
    key = id_number.strip().upper()
    try:
        profile = source.person(key)
    except SharedDataUnavailable as error:
        return _unavailable(source, kind="person", key=key, error=error)
    return _answered(source, profile)


def lookup_enterprise(
    *, credit_code: str, connector: SharedDataConnector | None = None
) -> LookupResult:
    source = connector or default_connector()
    key = credit_code.strip().upper()
    try:
        profile = source.enterprise(key)
    except SharedDataUnavailable as error:
        return _unavailable(source, kind="enterprise", key=key, error=error)
    return _answered(source, profile)


def _answered(source: SharedDataConnector, profile: SharedProfile | None) -> LookupResult:
    return LookupResult(
        profile=profile,
        notice="" if profile is not None else NOTICE_NOT_FOUND,
        available=True,
        connector=source.name,
    )


def _unavailable(
    source: SharedDataConnector, *, kind: str, key: str, error: SharedDataUnavailable
) -> LookupResult:
    # Masked: the log says whose lookup failed without carrying the full number.
    logger.warning(
        "共享数据查询失败（连接器 %s，%s %s）：%s", source.name, kind, mask_id_number(key), error
    )
    return LookupResult(
        profile=None, notice=NOTICE_UNAVAILABLE, available=False, connector=source.name
    )
