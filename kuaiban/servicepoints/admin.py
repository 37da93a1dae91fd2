"""Service points and the address list in the admin (a bureau keeps its own up to date)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from kuaiban.servicepoints.datafile import places_overlap
from kuaiban.servicepoints.geo import position_error
from kuaiban.servicepoints.models import Place, ServicePoint


def _position_check(form: forms.ModelForm, cleaned: dict[str, Any]) -> None:  # type: ignore[type-arg]
    lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
    if lat is not None and lng is not None and (error := position_error(lat, lng)):
        form.add_error("latitude", error)


class ServicePointForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ServicePoint
        fields = [
            "code",
            "name",
            "kind",
            "region",
            "district",
            "address",
            "latitude",
            "longitude",
            "area",
            "opening_hours",
            "extended_hours",
            "phone",
            "accepts",
            "decides",
            "prints_cards",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _position_check(self, cleaned)
        accepts = set(cleaned.get("accepts") or [])
        outside = [item.name for item in cleaned.get("decides") or [] if item not in accepts]
        if outside:
            self.add_error("decides", f"授权办理的事项须同时委托受理：{'、'.join(outside)}")
        return cleaned


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin[ServicePoint]):
    form = ServicePointForm
    list_display = ["name", "kind", "region", "district", "area", "prints_cards", "active"]
    list_filter = ["kind", "area", "prints_cards", "active", "region"]
    search_fields = ["name", "code", "address"]
    filter_horizontal = ["accepts", "decides"]
    readonly_fields = ["source"]


class PlaceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Place
        fields = ["region", "name", "short_name", "latitude", "longitude", "area"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _position_check(self, cleaned)
        name, short = cleaned.get("name") or "", cleaned.get("short_name") or ""
        if name and short and short not in name:
            self.add_error("short_name", "简称应是地址片段去掉市名后的部分")
        others = Place.objects.exclude(pk=self.instance.pk).values_list("name", "short_name")
        existing = [n for pair in others for n in pair]
        clashes = [
            pair
            for pair in places_overlap([name, short, *existing])
            if (name in pair or short in pair) and pair != f"{name} 包含 {short}"
        ]
        if clashes:
            self.add_error("name", "与已有地址定位条目相互包含：" + "；".join(clashes[:3]))
        return cleaned


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    form = PlaceForm
    list_display = ["name", "region", "area", "latitude", "longitude"]
    list_filter = ["area", "region"]
    search_fields = ["name"]
