"""`{% entered_on record.own_date record.created_at %}`: the day a record was entered, when that
is later than its own date (後日入力); nothing otherwise."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tsunagu.core.dates import display_date
from tsunagu.core.late_entry import is_late_entry

register = template.Library()


@register.simple_tag
def entered_on(own: dt.date | dt.datetime | None, entered: dt.datetime | None) -> SafeString:
    if entered is None or not is_late_entry(own, entered):
        return SafeString("")
    return format_html(
        '<span class="badge late-entry">{}</span>',
        _("記録日 %(day)s（後日入力）") % {"day": display_date(entered)},
    )
