"""Furigana: the readings of the field's words, names read as the person recorded them,
okurigana outside the ruby, and everything escaped.  No database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from tsunagu.plainplans import furigana


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("相談支援専門員", "そうだんしえんせんもんいん"),
        ("就労継続支援", "しゅうろうけいぞくしえん"),
        ("障害支援区分", "しょうがいしえんくぶん"),
        ("基幹相談支援センター", "きかんそうだんしえんセンター"),
        ("作業所", "さぎょうしょ"),
    ],
)
def test_field_words_are_read_as_the_field_reads_them(word, reading):
    assert furigana.reading(word) == reading


def test_readings_are_hiragana_over_the_kanji_only():
    shown = furigana.readings("食べ物を見送ります")
    assert shown == [("食", "た"), ("物", "もの"), ("見送", "みおく")]
    assert furigana.ruby("食べ物") == (
        "<ruby><rb>食</rb><rt>た</rt></ruby>べ<ruby><rb>物</rb><rt>もの</rt></ruby>"
    )
    assert furigana.ruby("ひらがなとカタカナ") == "ひらがなとカタカナ"


def test_a_name_is_read_as_recorded_on_the_person_not_as_the_dictionary_guesses():
    text = "月見里陽菜さんと大翔さん"
    # The dictionary's guesses, which would be wrong for these persons:
    assert furigana.reading(text) == "つきみさとはるなさんとひろとさん"
    person = SimpleNamespace(
        family_name="月見里", given_name="陽菜", family_name_kana="ヤマナシ", given_name_kana="ヒナ"
    )
    other = SimpleNamespace(
        family_name="", given_name="大翔", family_name_kana="", given_name_kana="ハルト"
    )
    names = furigana.person_names([person, other])
    assert names == {"月見里": "ヤマナシ", "陽菜": "ヒナ", "大翔": "ハルト"}
    assert furigana.reading(text, names=names) == "やまなしひなさんとはるとさん"
    shown = furigana.readings("月見里 陽菜", names=names)
    assert shown == [("月見里", "やまなし"), ("陽菜", "ひな")]


def test_everything_is_escaped():
    html = furigana.ruby('<script>alert("月")</script>&')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    assert "<rb>月</rb><rt>" in html
    # A name with markup in its reading cannot inject either.
    assert "<b>" not in furigana.ruby("山田", names={"山田": "<b>"})


def test_lone_surrogates_and_unknown_words_do_not_break_it():
    assert "\ud800" not in furigana.ruby("月\ud800曜日")
    assert furigana.ruby("𠮷野家") is not None


def test_the_template_filter_takes_the_names():
    template = Template("{% load furigana %}{{ text|furigana:names }}")
    html = template.render(Context({"text": "陽菜さん<b>", "names": {"陽菜": "ヒナ"}}))
    assert html == "<ruby><rb>陽菜</rb><rt>ひな</rt></ruby>さん&lt;b&gt;"


def test_nani_before_a_particle_and_nan_before_a_counter():
    assert "<rb>何</rb><rt>なに</rt>" in furigana.ruby("だれが 何を するか")
    assert "<rb>何</rb><rt>なに</rt>" in furigana.ruby("何か あったら 電話します。")
    assert "なん" in furigana.reading("何人 来ますか")
