"""Post an admin change page back as the browser would: every field with its shown value."""

from __future__ import annotations

from typing import Any

from django import forms


def _values(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(field.widget, forms.CheckboxInput):
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = field.widget.format_value(value) or value
    return data


def change_form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """The data a browser would post from an admin change page, with ``changes`` applied."""
    data = _values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _values(formset.management_form)
        for form in formset.forms:
            data |= _values(form)
    data |= {key: str(value) for key, value in changes.items()}
    return data
