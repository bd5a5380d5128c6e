from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tsunagu.referrals"
    label = "referrals"
    verbose_name = "紹介・共同支援依頼"
