"""Public pages: packs → bundles → bundle guide (page and PDF), item guides, display settings."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kuaiban.bundles.models import Bundle
from kuaiban.bundles.selectors import (
    bundle_get,
    bundle_list,
    pack_get,
    pack_list,
    pack_provisions,
    pack_targets,
)
from kuaiban.catalogue.models import CommitmentText, ServiceItem, commitment_texts_current
from kuaiban.core.errors import NotFound
from kuaiban.core.middleware import LARGE_TEXT_COOKIE
from kuaiban.documents.render import render_pdf
from kuaiban.guides.content import BundleGuide, bundle_guide, item_guide
from kuaiban.guides.pdf import bundle_guide_document, item_guide_document


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/home.html", {"packs": pack_list()})


def pack_detail(request: HttpRequest, pack: str) -> HttpResponse:
    try:
        found = pack_get(code=pack)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(
        request,
        "guides/pack.html",
        {
            "pack": found,
            "bundles": bundle_list(pack=found),
            "speedups": found.speedups.select_related("item"),
            "hot_items": found.hot_items.select_related("item"),
            "contact_points": found.contact_points.all(),
            "targets": pack_targets(pack=found),
            "provisions": pack_provisions(pack=found),
        },
    )


def _bundle_or_404(pack: str, bundle: str) -> Bundle:
    try:
        return bundle_get(pack_code=pack, bundle_code=bundle)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _bundle_texts(guide: BundleGuide) -> list[CommitmentText]:
    """One query whatever the bundle: the texts of every material its items ask for."""
    rows = CommitmentText.objects.filter(
        material__items__bundle_items__scenario__bundle=guide.bundle
    )
    return list(commitment_texts_current(rows=rows).values())


def bundle_detail(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    guide = bundle_guide(bundle=_bundle_or_404(pack, bundle))
    return render(
        request, "guides/bundle.html", {"guide": guide, "commitment_texts": _bundle_texts(guide)}
    )


def bundle_pdf(request: HttpRequest, pack: str, bundle: str) -> HttpResponse:
    guide = bundle_guide(bundle=_bundle_or_404(pack, bundle))
    document = bundle_guide_document(guide, _bundle_texts(guide))
    return _pdf(render_pdf(document), f"guide-{pack}-{bundle}.pdf")


def _item_or_404(code: str) -> ServiceItem:
    item = (
        ServiceItem.objects.current()
        .prefetch_related("materials", "fields")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise Http404("服务事项不存在或未发布")
    return item


def item_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    items = ServiceItem.objects.current().order_by("code")
    if query:
        items = items.filter(name__icontains=query) | items.filter(code__startswith=query)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "guides/items.html", {"page": page, "query": query})


def _item_texts(item: ServiceItem) -> list[CommitmentText]:
    codes = [m.code for m in item.materials.all() if m.commitment_allowed]
    return list(commitment_texts_current(codes).values())


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    return render(
        request,
        "guides/item.html",
        {"guide": item_guide(item=item), "commitment_texts": _item_texts(item)},
    )


def item_pdf(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    document = item_guide_document(item_guide(item=item), _item_texts(item))
    return _pdf(render_pdf(document), f"guide-item-{code}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
def large_text(request: HttpRequest) -> HttpResponse:
    """Switch large-text mode (适老化) on or off; it is kept in a cookie for a year."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("on") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response
