"""Date entry and display: one parser for era and Western dates, one format on screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tsunagu.core import dates
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.core.widgets import DateEntryInput
from tsunagu.plans.models import Assessment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R7.4.1", dt.date(2025, 4, 1)),
        ("r7/4/1", dt.date(2025, 4, 1)),
        ("令和7年4月1日", dt.date(2025, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R1.5.1", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("Ｒ７．４．１", dt.date(2025, 4, 1)),  # full-width letters and digits
        ("令和７年４月１日", dt.date(2025, 4, 1)),
        ("㋿7年4月1日", dt.date(2025, 4, 1)),  # the one-character era sign
        (" 令和 7年 4月 1日 ", dt.date(2025, 4, 1)),
        ("2025-04-01", dt.date(2025, 4, 1)),
        ("2025/4/1", dt.date(2025, 4, 1)),
        ("2025.4.1", dt.date(2025, 4, 1)),
        ("2025年4月1日", dt.date(2025, 4, 1)),
        ("20250401", dt.date(2025, 4, 1)),
        ("２０２５－０４－０１", dt.date(2025, 4, 1)),
    ],
)
def test_parse_date_reads_era_and_western_dates(text, expected):
    assert dates.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("H31.5.1", "平成は平成31年4月30日までです"),  # 平成 had ended: that day is 令和元年
        ("S64.1.8", "昭和は昭和64年1月7日までです"),
        ("R1.4.30", "令和は令和元年5月1日からです"),
        ("R0.4.1", "最初の年は元年"),
        ("令和0年4月1日", "最初の年は元年"),
        ("2025-02-30", "2025年2月30日はありません"),
        ("R7.2.29", "令和7年2月29日はありません"),
        ("2025-13-01", "13月はありません"),
        ("99999", "日付として読めません"),
        ("99999-01-01", "99999年は日付として扱えません"),
        ("れいわ7ねん", "日付として読めません"),
        ("ﾚｲﾜ7年4月1日", "日付として読めません"),
        ("\ud800", "日付として読めません"),  # a lone surrogate
        ("", "日付として読めません"),
    ],
)
def test_parse_date_refuses_impossible_dates_with_the_reason(text, reason):
    with pytest.raises(dates.DateParseError) as caught:
        dates.parse_date(text)
    assert reason in caught.value.message


def test_display_date_is_the_era_date_in_japanese_and_iso_in_english():
    day = dt.date(2025, 4, 1)
    with translation.override("ja"):
        assert dates.display_date(day) == "令和7年4月1日"
        assert Template("{{ d|day }}").render(Context({"d": day})) == "令和7年4月1日"
        assert dates.parsed_date_echo(day) == "＝ 2025年4月1日（令和7年）"
    with translation.override("en"):
        assert dates.display_date(day) == "2025-04-01"
        assert Template("{{ d|day }}").render(Context({"d": day})) == "2025-04-01"
        assert "令和" not in dates.parsed_date_echo(day)
    # A datetime shows its Tokyo date: 15:30 UTC on April 30 is May 1 in Tokyo.
    with translation.override("ja"):
        assert dates.display_date(dt.datetime(2019, 4, 30, 15, 30, tzinfo=dt.UTC)) == (
            "令和元年5月1日"
        )
    assert dates.display_date(None) == ""


class _Form(forms.Form):
    day = BoundedFormDateField(label="日付")


def test_the_form_field_reads_era_dates_and_refuses_with_a_japanese_message():
    with translation.override("ja"):
        form = _Form({"day": "H31.4.30"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == dt.date(2019, 4, 30)

        form = _Form({"day": "H31.5.1"})
        assert not form.is_valid()
        assert "平成は平成31年4月30日までです" in form.errors["day"][0]

        # Readable, but outside the span the system keeps.
        form = _Form({"day": "1800-01-01"})
        assert not form.is_valid()
        assert "1868-01-25 から 2100-12-31 まで" in form.errors["day"][0]


def test_the_widget_is_a_text_box_with_a_calendar_and_the_date_read_back():
    with translation.override("ja"):
        html = str(_Form({"day": "R7.4.1"})["day"])
        assert 'type="text"' in html
        assert 'value="R7.4.1"' in html  # what the user typed is kept
        assert "＝ 2025年4月1日（令和7年）" in html
        assert 'type="date"' in html
        assert 'aria-label="カレンダーで日付を選ぶ"' in html
        assert 'data-date="2025-04-01"' in html
        # An initial date is shown in the screen format, which the field reads back.
        html = str(_Form(initial={"day": dt.date(2025, 4, 1)})["day"])
        assert 'value="令和7年4月1日"' in html
        # Nothing is echoed for text that is no date (the error says why).
        html = str(_Form({"day": "H31.5.1"})["day"])
        assert "＝" not in html


def test_model_forms_get_the_date_entry():
    form_class = forms.modelform_factory(Assessment, fields=["assessed_on"])
    field = form_class().fields["assessed_on"]
    assert isinstance(field, BoundedFormDateField)
    assert isinstance(field.widget, DateEntryInput)


def test_date_echo_reads_what_the_field_would(personas, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("core:date_echo")
    answer = client.get(url, {"text": "R7.4.1"}, HTTP_ACCEPT_LANGUAGE="ja").json()
    assert answer == {"date": "2025-04-01", "echo": "＝ 2025年4月1日（令和7年）"}
    answer = client.get(url, {"text": "H31.5.1"}).json()
    assert answer["date"] is None
    assert "平成31年4月30日まで" in answer["error"]
    answer = client.get(url, {"text": "1800-01-01"}).json()
    assert answer["date"] is None
    assert "2100-12-31" in answer["error"]
    # A lone surrogate, encoded as a browser might send it: a JSON error, never a 500.
    assert "error" in client.get(url + "?text=%ED%A0%80").json()
    assert client.get(url).json() == {"date": None, "echo": ""}


def test_date_echo_needs_sign_in(client):
    response = client.get(reverse("core:date_echo"), {"text": "R7.4.1"})
    assert response.status_code == 302
