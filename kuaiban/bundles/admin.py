from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kuaiban.bundles.compat import limit_not_lengthened, required_item_problems
from kuaiban.bundles.models import (
    Bundle,
    BundleItem,
    ContactPoint,
    HotItem,
    Pack,
    Provision,
    Question,
    Scenario,
    SpeedUp,
    Target,
)
from kuaiban.bundles.selectors import (
    bundle_is_inherited,
    bundle_limit_problem,
    inherited_items,
    inherited_speedup,
)
from kuaiban.bundles.targets import target_problem
from kuaiban.calendar.limits import TimeLimit, promised_within_legal


def _limit(data: dict[str, Any], prefix: str) -> TimeLimit | None:
    """The time limit an admin form is about to save, from its value and unit fields."""
    return TimeLimit.from_parts(data.get(f"{prefix}_value"), data.get(f"{prefix}_unit"))


class BundleAdminForm(forms.ModelForm[Bundle]):
    """Refuses a promised limit that breaks the Jiangsu rule for any parallel scenario."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is not None:
            problem = bundle_limit_problem(
                bundle=self.instance, promised=_limit(data, "promised_limit")
            )
            if problem:
                raise forms.ValidationError(problem, code="bundle_limit")
        return data


class ScenarioAdminForm(forms.ModelForm[Scenario]):
    """Refuses turning a scenario parallel when the bundle's limit is shorter than needed."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is not None and data.get("mode"):
            bundle = self.instance.bundle
            problem = bundle_limit_problem(
                bundle=bundle,
                promised=bundle.promised_limit,
                modes={self.instance.pk: data["mode"]},
            )
            if problem:
                raise forms.ValidationError(problem, code="bundle_limit")
        return data


class SpeedUpAdminForm(forms.ModelForm[SpeedUp]):
    """Refuses a sped-up limit longer than the legal one, and one that breaks the Jiangsu rule."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        instance = self.instance
        promised = _limit(data, "promised_limit")
        legal = _limit(data, "legal_limit") if "legal_limit_unit" in data else instance.legal_limit
        problem = promised_within_legal(promised=promised, legal=legal)
        if problem:
            raise forms.ValidationError(problem, code="promised_over_legal")
        # 向上兼容: a place's pack never promises slower than the pack it extends.
        above = (
            inherited_speedup(pack_id=instance.pack_id, item_id=instance.item_id)
            if instance.pk is not None
            else None
        )
        if above is not None:
            lengthened = limit_not_lengthened(
                promised=promised,
                inherited=above.promised_limit,
                inherited_set_by=above.promised_set_by,
            )
            if lengthened:
                raise forms.ValidationError(lengthened, code="promised_lengthened")
        if promised is not None and instance.pk is not None:
            bundles = Bundle.objects.filter(
                pack_id=instance.pack_id, scenarios__bundle_items__item_id=instance.item_id
            ).distinct()
            for bundle in bundles:
                problem = bundle_limit_problem(
                    bundle=bundle,
                    promised=bundle.promised_limit,
                    item_promised={instance.item_id: promised},
                )
                if problem:
                    raise forms.ValidationError(
                        f"一件事“{bundle.name}”：{problem}", code="bundle_limit"
                    )
        return data


class BundleItemFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """向上兼容 in a place's pack: the required items of the extended scenario stay required."""

    def clean(self) -> None:
        super().clean()
        scenario = self.instance
        if not isinstance(scenario, Scenario) or scenario.pk is None:
            return
        inherited = inherited_items(scenario=scenario)
        if inherited is None:
            return
        own = {
            form.cleaned_data["item"].code: bool(form.cleaned_data.get("required"))
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("item") is not None
        }
        problems = required_item_problems(scenario=scenario.code, inherited=inherited, own=own)
        if problems:
            raise forms.ValidationError(problems, code="required_item_dropped")


class BundleInline(admin.TabularInline[Bundle, Pack]):
    model = Bundle
    fields = ["code", "name", "target", "mode"]
    extra = 0
    show_change_link = True


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin[Pack]):
    list_display = ["code", "name", "region", "document", "version", "loaded_at"]
    readonly_fields = ["content_hash", "loaded_at", "file_name"]
    inlines = [BundleInline]


class ScenarioInline(admin.TabularInline[Scenario, Bundle]):
    model = Scenario
    fields = ["code", "name", "target", "mode", "source"]
    extra = 0
    show_change_link = True


class QuestionInline(admin.TabularInline[Question, Bundle]):
    model = Question
    extra = 0


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin[Bundle]):
    form = BundleAdminForm
    list_display = ["pack", "code", "name", "target", "mode"]
    list_filter = ["pack", "mode", "target"]
    search_fields = ["name"]
    inlines = [ScenarioInline, QuestionInline]

    def has_delete_permission(self, request: HttpRequest, obj: Bundle | None = None) -> bool:
        # 向上兼容: a place's pack cannot drop a bundle of the pack it extends.
        if obj is not None and bundle_is_inherited(bundle=obj):
            return False
        return super().has_delete_permission(request, obj)


class BundleItemInline(admin.TabularInline[BundleItem, Scenario]):
    model = BundleItem
    formset = BundleItemFormSet
    fields = ["item", "seed_name", "required", "stage", "when", "source"]
    autocomplete_fields = ["item"]
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin[Scenario]):
    form = ScenarioAdminForm
    list_display = ["bundle", "code", "name", "mode"]
    list_filter = ["bundle__pack", "mode"]
    inlines = [BundleItemInline]


@admin.register(SpeedUp)
class SpeedUpAdmin(admin.ModelAdmin[SpeedUp]):
    list_display = [
        "pack",
        "seq",
        "seed_name",
        "legal_text",
        "promised_text",
        "promised_limit_value",
        "promised_limit_unit",
        "promised_set_by",
    ]
    list_filter = ["pack", "promised_set_by"]
    list_editable = ["promised_limit_value", "promised_limit_unit"]
    form = SpeedUpAdminForm

    def get_changelist_form(
        self, request: HttpRequest, **kwargs: Any
    ) -> type[forms.ModelForm[SpeedUp]]:
        # The list's inline edits obey the same rule as the change page.
        return super().get_changelist_form(request, form=SpeedUpAdminForm, **kwargs)


@admin.register(HotItem)
class HotItemAdmin(admin.ModelAdmin[HotItem]):
    list_display = ["pack", "seq", "seed_name", "channels"]
    list_filter = ["pack"]


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin[ContactPoint]):
    list_display = ["pack", "name", "level"]
    list_filter = ["pack", "level"]


class TargetAdminForm(forms.ModelForm[Target]):
    """Refuses a target whose numbers do not fit its kind (the pack parser's rule)."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") and data.get("value") is not None:
            problem = target_problem(
                kind=data["kind"], value=data["value"], ratio=data.get("ratio")
            )
            if problem:
                raise forms.ValidationError(problem, code="target")
        return data


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin[Target]):
    form = TargetAdminForm
    list_display = ["pack", "kind", "value", "ratio", "scope", "deadline_text"]
    list_filter = ["pack", "kind"]


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin[Provision]):
    list_display = ["pack", "title", "kind", "scope", "features"]
    list_filter = ["pack", "kind"]
