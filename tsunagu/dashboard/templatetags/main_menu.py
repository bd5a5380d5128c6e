"""`{% main_menu_once %}...{% end_main_menu_once %}`: the main menu's markup rendered once per
menu and language, then reused (issue 15).

Every page draws the menu: five groups, thirty links, each through the template engine's
loop, lookups and escaping, for markup that is the same for every actor shown the same entries
with the same one marked current.  The block renders its contents as the template says the
first time it meets a menu (`menu.menu_key`: the entries shown, the current one, the language)
and writes the same text for that menu afterwards.  Who sees which entry is still decided on
every request (`menu.menu_for`, each app's own rule); only the markup is kept.  The text is kept
on the compiled template's node, so a template loaded again starts afresh.
`dashboard/tests/test_frame_rendering.py` checks that pages render the same with and without
it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token
from django.utils.safestring import SafeString

from tsunagu.dashboard.menu import menu_key

register = template.Library()

# The menus one node keeps: a menu per entry set, current entry and language is a few dozen in
# practice; past this bound something unexpected varies, and the node starts over.
MAX_KEPT = 512


class MainMenuOnceNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.kept: dict[Any, SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        groups = context.get("main_menu")
        if groups is None:
            return self.nodelist.render(context)
        key = menu_key(groups)
        text = self.kept.get(key)
        if text is None:
            if len(self.kept) >= MAX_KEPT:
                self.kept = {}
            text = self.kept[key] = self.nodelist.render(context)
        return text


@register.tag
def main_menu_once(parser: Parser, token: Token) -> MainMenuOnceNode:
    nodelist = parser.parse(("end_main_menu_once",))
    parser.delete_first_token()
    return MainMenuOnceNode(nodelist)
