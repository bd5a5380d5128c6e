from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tsunagu.referrals"
    label = "referrals"
    verbose_name = "紹介・共同支援依頼"

    def ready(self) -> None:
        # Imported here, once the models are loaded, as Django requires of app modules; cases
        # stands below and asks through `cases.closure` (docs/architecture.md).
        from tsunagu.cases.closure import register_referred_closure
        from tsunagu.notifications.registry import register_renderer
        from tsunagu.referrals.selectors import referred_closure, render_referral_notifications

        register_referred_closure(referred_closure)
        register_renderer("referrals.referral", render_referral_notifications)
