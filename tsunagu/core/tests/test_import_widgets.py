"""The cells of an imported file (core/imports.py): what each widget takes and the Japanese
reason it gives for what it refuses; files that cannot be read at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.cases.models import Channel, Domain
from tsunagu.core.errors import Invalid
from tsunagu.core.imports import (
    CountWidget,
    LabelChoiceWidget,
    LabelListWidget,
    OriginalDateWidget,
    TextWidget,
    read_table,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和5年4月1日", dt.date(2023, 4, 1)),
        ("R5.4.1", dt.date(2023, 4, 1)),
        ("２０２３／４／１", dt.date(2023, 4, 1)),
        ("平成12年4月1日", dt.date(2000, 4, 1)),
        (dt.datetime(2023, 4, 1, tzinfo=dt.UTC), dt.date(2023, 4, 1)),  # an xlsx date cell
    ],
)
def test_dates_as_offices_write_them(text, day):
    assert OriginalDateWidget("受付日").clean(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "受付日を入れてください。"),
        ("99999-01-01", "99999年は日付として扱えません。"),
        ("れいわ5ねん4がつ1にち", "日付として読めません。"),
        ("2000-03-31", "受付日は平成12年4月1日（2000-04-01）以降にしてください。"),
        ("H31.5.1", "平成は平成31年4月30日までです"),
    ],
)
def test_bad_dates_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        OriginalDateWidget("受付日").clean(text)


def test_tomorrow_is_refused():
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValueError, match="未来"):
        OriginalDateWidget("受付日").clean(tomorrow)


def test_labels_codes_and_widths():
    widget = LabelChoiceWidget(Channel.choices, label="相談方法")
    assert widget.clean("電話") == "phone"
    assert widget.clean(" phone ") == "phone"
    assert widget.clean("ＦＡＸ") == "fax"
    for bad in ("ﾃﾞﾝﾜ", "でんわ", "\ud800"):
        with pytest.raises(ValueError, match="相談方法として使えません") as caught:
            widget.clean(bad)
        assert "\ud800" not in str(caught.value)
    assert (
        LabelChoiceWidget(Channel.choices, label="相談方法", default="phone").clean("") == "phone"
    )


def test_lists_keep_the_labels_own_dots():
    widget = LabelListWidget(Domain.choices, label="相談の領域")
    assert widget.clean("健康・医療、就労 / 家族関係") == ["employment", "health", "family"]
    assert widget.clean("") == []


def test_counts_and_texts():
    assert CountWidget("対応時間（分）", maximum=1440).clean("６０") == 60
    for bad in ("-1", "1.5", "1441", "九十"):
        with pytest.raises(ValueError, match="0から1440まで"):
            CountWidget("対応時間（分）", maximum=1440).clean(bad)
    text = TextWidget("主訴", max_length=5, required=True)
    with pytest.raises(ValueError, match="5文字まで"):
        text.clean("あいうえおか")
    for bad in ("a\x00b", "a\ud800b"):
        with pytest.raises(ValueError, match="使えない文字"):
            text.clean(bad)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ファイルが空です。"),
        (b"\n\n", "見出しの行がありません"),
        ("受付日\n".encode(), "取り込む行がありません"),
        (b"PK\x03\x04garbage", "xlsx"),
        (b"\x82\xa0\xff\xfe\x00\x81", "文字コード"),
    ],
)
def test_unreadable_files(data, message):
    with pytest.raises(Invalid, match=message):
        read_table(data)


def test_cp932_and_bom():
    text = "受付日,相談方法\r\n令和5年4月1日,電話\r\n"
    for data in (text.encode("cp932"), b"\xef\xbb\xbf" + text.encode()):
        table = read_table(data)
        assert table.headers == ["受付日", "相談方法"]
        assert table.dict == [{"受付日": "令和5年4月1日", "相談方法": "電話"}]
