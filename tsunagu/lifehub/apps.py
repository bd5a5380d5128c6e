from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifehubConfig(AppConfig):
    name = "tsunagu.lifehub"
    verbose_name = _("地域生活支援拠点と住民の活動")

    def ready(self) -> None:
        # The directory asks which resources are held back from residents and from the plans'
        # picker (directory/holds.py); a resident activity is held back until its group agrees.
        from tsunagu.directory.holds import register_hold
        from tsunagu.lifehub.selectors import held_activity_resources

        register_hold(held_activity_resources)
