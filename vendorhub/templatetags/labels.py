"""Template side of ``vendorhub.labels``: ``{% load labels %}`` then

- ``{{ day|human_date }}`` / ``{{ moment|human_datetime }}``: the year only when it is not
  this year (``16 Dec``, ``16 Dec 2025, 14:30``), in the viewer's zone;
- ``{{ notification.kind|kind_label }}``, ``{{ reminder.stage|stage_label }}``;
- ``{{ "service_level"|kpi_label }}`` → "Service level";
- ``{{ value|choice_label:"meetings.Attendance.status" }}`` for a stored choice without
  its model instance (snapshots, aggregates);
- ``{{ code|code_label }}``, the fallback for any other code;
- ``{% error_items form forms as items %}`` for ``includes/error_summary.html``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm, BaseFormSet

from vendorhub import labels

register = template.Library()

register.filter("human_date", labels.human_date)
register.filter("human_datetime", labels.human_datetime)
register.filter("code_label", labels.code_label)
register.filter("kind_label", labels.notification_kind_label)
register.filter("stage_label", labels.stage_label)
register.filter("kpi_label", labels.kpi_label)
register.filter("choice_label", labels.choice_label)


def _form_items(form: BaseForm | BaseFormSet) -> list[dict[str, Any]]:
    if isinstance(form, BaseFormSet):
        items = [{"id": None, "label": "", "message": m} for m in form.non_form_errors()]
        for sub in form.forms:
            items += _form_items(sub)
        return items
    items = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        hidden = field is None or field.widget.is_hidden
        bound = None if hidden else form[name]
        for message in errors:
            items.append(
                {
                    "id": (bound.id_for_label or bound.auto_id) if bound else None,
                    "label": (bound.label if bound else ""),
                    "message": message,
                }
            )
    return items


@register.simple_tag
def error_items(form: Any = None, forms: Any = None) -> list[dict[str, Any]]:
    """Every error of ``form`` (and of each of ``forms``), fields first in form order,
    each with the id of the input to jump to (none for errors about the whole form)."""
    items: list[dict[str, Any]] = []
    for f in [form, *(forms or [])]:
        if isinstance(f, BaseForm | BaseFormSet):
            items += _form_items(f)
    return items
