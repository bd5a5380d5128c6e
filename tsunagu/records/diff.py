"""What changed between two texts, shown inline with <ins>/<del>.

Japanese has no spaces between words, so a word diff would mark whole sentences; the diff is by
characters.  Character matching is quadratic in the worst case, so very long texts fall back to
a line diff (a formulation is a few paragraphs; the fallback is a guard, not the usual path).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CHARACTER_DIFF_LIMIT = 20_000


def inline_diff(old: str, new: str) -> SafeString:
    """`new` with deletions from `old` as <del class="diff-del"> and additions as
    <ins class="diff-ins">; every piece of text is escaped."""
    if len(old) + len(new) > CHARACTER_DIFF_LIMIT:
        a: list[str] | str = old.splitlines(keepends=True)
        b: list[str] | str = new.splitlines(keepends=True)
    else:
        a, b = old, new
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    pieces = _absorb_short_matches(
        [
            (tag == "equal", "".join(a[i1:i2]), "".join(b[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
    )
    parts: list[str] = []
    for same, removed, added in pieces:
        if same:
            parts.append(escape(added))
            continue
        if removed:
            parts.append(f'<del class="diff-del">{escape(removed)}</del>')
        if added:
            parts.append(f'<ins class="diff-ins">{escape(added)}</ins>')
    return mark_safe("".join(parts))  # noqa: S308  # every piece above is escaped


# A rewritten sentence shares stray particles (の, を, 、) with the old one; marking them as kept
# would shred the diff into fragments.  Matches this short between two changes count as changed.
SHORT_MATCH = 2


def _absorb_short_matches(pieces: list[tuple[bool, str, str]]) -> list[tuple[bool, str, str]]:
    merged: list[tuple[bool, str, str]] = []
    for index, (same, removed, added) in enumerate(pieces):
        between_changes = 0 < index < len(pieces) - 1
        if same and between_changes and len(added) <= SHORT_MATCH and "\n" not in added:
            same = False
        if merged and not same and not merged[-1][0]:
            _, old_removed, old_added = merged[-1]
            merged[-1] = (False, old_removed + removed, old_added + added)
        else:
            merged.append((same, removed, added))
    return merged
