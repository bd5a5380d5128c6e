from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "記録の全文検索の索引を、元の記録から作り直します。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_index_rebuild()
        self.stdout.write(f"search index rebuilt: {count} documents")
