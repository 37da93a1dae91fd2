"""The REST API, versioned under /api/v1/, with its OpenAPI document and interactive docs."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from kuaiban.accounts.api import router as auth_router
from kuaiban.accounts.authorisation_api import router as authorisations_router
from kuaiban.applications.api import router as applications_router
from kuaiban.applications.progress_api import router as progress_router
from kuaiban.applications.schemas import ApplicationIn
from kuaiban.appointments.api import router as appointments_router
from kuaiban.bundles.api import router as bundles_router
from kuaiban.calendar.api import router as calendar_router
from kuaiban.cards.api import router as cards_router
from kuaiban.cases.api import router as cases_router
from kuaiban.certificates.api import router as certificates_router
from kuaiban.commitments.api import router as commitments_router
from kuaiban.core.errors import install_error_handlers
from kuaiban.core.openapi import openapi_components, openapi_error_responses
from kuaiban.homevisits.api import router as homevisits_router
from kuaiban.proactive.api import router as proactive_router
from kuaiban.problems.api import router as problems_router
from kuaiban.ratings.api import router as ratings_router
from kuaiban.selfservice.api import router as selfservice_router
from kuaiban.servicepoints.api import router as servicepoints_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as characters, not \\u escapes: readable in logs and curl."""

    json_dumps_params = {"ensure_ascii": False}


class KuaibanAPI(NinjaAPI):
    """The API whose document lists every operation's error answers (``kuaiban.core.openapi``)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        openapi_components(schema, ApplicationIn)  # the submission's body, described by hand
        openapi_error_responses(schema)
        return schema


api = KuaibanAPI(
    renderer=ChineseJSONRenderer(),
    title="快办 Kuaiban API",
    version="1",
    description="人社服务综合受理平台接口：政策包、一件事、办件、子件、评价、工作日历。",
    urls_namespace="api-v1",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", bundles_router)
api.add_router("/calendar", calendar_router)
api.add_router("/", applications_router)
api.add_router("/", progress_router)
api.add_router("/", cases_router)
api.add_router("/auth", auth_router)
api.add_router("/", authorisations_router)
api.add_router("/", ratings_router)
api.add_router("/", proactive_router)
api.add_router("/", cards_router)
api.add_router("/", servicepoints_router)
api.add_router("/", appointments_router)
api.add_router("/", commitments_router)
api.add_router("/", selfservice_router)
api.add_router("/", certificates_router)
api.add_router("/", problems_router)
api.add_router("/", homevisits_router)
