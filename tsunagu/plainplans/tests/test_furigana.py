"""Furigana: the readings of the field's words, names read as the person recorded them,
okurigana outside the ruby, and everything escaped.  No database."""

from __future__ import annotations

import re
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


FIELD_WORDS = {
    "相談支援専門員": "そうだんしえんせんもんいん",
    "就労継続支援": "しゅうろうけいぞくしえん",
    "障害支援区分": "しょうがいしえんくぶん",
}


def _ruby_parts(html: str) -> tuple[str, str]:
    """The kanji under ruby and their readings, each joined in order."""
    return (
        "".join(re.findall(r"<rb>(.*?)</rb>", html)),
        "".join(re.findall(r"<rt>(.*?)</rt>", html)),
    )


@pytest.mark.parametrize(("word", "reading"), list(FIELD_WORDS.items()))
def test_field_words_are_shown_whole_with_their_readings_as_ruby(word, reading):
    # The whole word is under ruby, its pieces read as the field reads them, in order.
    assert _ruby_parts(furigana.ruby(word)) == (word, reading)


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("相談支援専門員の山田さんが、家に来ます。", "相談支援専門員"),
        ("月曜日から就労継続支援B型の作業所に通います。", "就労継続支援"),
        ("障害支援区分の認定調査があります。", "障害支援区分"),
    ],
)
def test_field_words_keep_their_reading_in_a_sentence(sentence, word):
    start = sentence.index(word)
    pieces = furigana.readings(sentence)
    # The pieces that cover the word, in order, read as the word alone is read.
    covered, read, at = "", "", 0
    for kanji, kana in pieces:
        at = sentence.index(kanji, at)
        if start <= at < start + len(word):
            covered += kanji
            read += kana
        at += len(kanji)
    assert (covered, read) == (word, FIELD_WORDS[word])


def test_names_are_read_as_recorded_beside_field_words():
    person = SimpleNamespace(
        family_name="東海林", given_name="陽菜", family_name_kana="ショウジ", given_name_kana="ヒナ"
    )
    counselor = SimpleNamespace(
        family_name="月見里", given_name="", family_name_kana="ヤマナシ", given_name_kana=""
    )
    names = furigana.person_names([person, counselor])
    sentence = "相談支援専門員の月見里さんと東海林陽菜さんが、就労継続支援の見学に行きます。"
    shown = dict(furigana.readings(sentence, names=names))
    assert shown["月見里"] == "やまなし"
    assert shown["東海林"] == "しょうじ"
    assert shown["陽菜"] == "ひな"
    html = furigana.ruby(sentence, names=names)
    assert "<rb>月見里</rb><rt>やまなし</rt>" in html
    assert "<rb>東海林</rb><rt>しょうじ</rt>" in html
    assert "<rb>陽菜</rb><rt>ひな</rt>" in html
    assert furigana.reading(sentence, names=names).startswith("そうだんしえんせんもんいんの")
    assert "しゅうろうけいぞくしえん" in furigana.reading(sentence, names=names)
