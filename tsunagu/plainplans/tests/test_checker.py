"""The やさしい日本語 checker: long sentences, difficult words with their plain replacements,
kanji above the plan's grade (学年別漢字配当表), each with its place.  No database."""

from __future__ import annotations

from django.test import override_settings

from tsunagu.plainplans import checker


def test_the_grade_table_is_the_whole_table():
    grades = checker.kanji_grades()
    assert len(grades) == 1026
    counts = [sum(1 for g in grades.values() if g == n) for n in range(1, 7)]
    assert counts == [80, 160, 200, 202, 193, 191]
    assert [grades["一"], grades["岡"], grades["認"]] == [1, 4, 6]
    assert checker.grade_of("鬱") == checker.BEYOND_GRADES


def test_a_long_sentence_is_flagged_with_its_place():
    short = "作業所にかよいます。"
    long = "あ" * 31 + "。"
    flags = checker.check(f"{short}\n{long}", grade=6, field="goals", limit=30)
    [flag] = [f for f in flags if f.kind == checker.LONG_SENTENCE]
    assert (flag.line, flag.column, flag.start) == (2, 1, len(short) + 1)
    assert flag.field == "goals"
    assert "31" in flag.message
    assert not checker.check("あ" * 30 + "。", grade=6, limit=30)


@override_settings(PLAIN_JAPANESE_SENTENCE_LIMIT=10)
def test_the_limit_is_a_setting():
    assert [f.kind for f in checker.check("あいうえおかきくけこさ", grade=6)] == [
        checker.LONG_SENTENCE
    ]


def test_a_difficult_word_is_flagged_with_its_replacement():
    text = "支給決定が出ました。"
    flags = [f for f in checker.check(text, grade=6) if f.kind == checker.DIFFICULT_WORD]
    assert [(f.text, f.suggestion, f.start) for f in flags] == [
        ("支給決定", "サービスを使ってよいという決定", 0)
    ]


def test_kanji_above_the_grade_are_flagged_and_names_are_spared():
    text = "陽菜さんは通院します。"
    flags = checker.check(text, grade=2, names=["陽菜"])
    kanji = [(f.text, f.start) for f in flags if f.kind == checker.KANJI_GRADE]
    # 通 is taught in grade 2; 院 in grade 3; 陽 and 菜 are spared as the person's name.
    assert kanji == [("院", 6)]
    assert [f.text for f in checker.check(text, grade=3, names=["陽菜"])] == []
    without_name = [f.text for f in checker.check("陽菜", grade=2)]
    assert without_name == ["陽", "菜"]


def test_check_fields_names_each_field():
    flags = checker.check_fields({"goals": "申請します。", "part-1-what": "就労"}, grade=6)
    words = {(f.field, f.text) for f in flags if f.kind == checker.DIFFICULT_WORD}
    assert words == {("goals", "申請"), ("part-1-what", "就労")}
    assert ("goals", "請") in {(f.field, f.text) for f in flags if f.kind == checker.KANJI_GRADE}
