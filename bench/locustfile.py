"""The mixed read workload of `make bench` (issues 7 and 15): signed-in staff of many offices.

Run by bench/run.py (`locust --headless`); reads the accounts and the ids each may see from
the JSON file in BENCH_TARGETS.  Every request carries the name of its screen, which is the
row of the results table.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["BENCH_TARGETS"], encoding="utf-8") as fh:
    TARGETS: dict[str, Any] = json.load(fh)

PASSWORD = TARGETS["password"]
_accounts = itertools.cycle(TARGETS["accounts"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KANA = ["サトウ", "スズキ", "タナカ ハナコ", "ヤマダ", "ささき", "ｲﾄｳ"]
WORDS = ["借金", "入院", "母の入院", "グループホーム", "通所", "短期入所の空き"]


class Staff(FastHttpUser):
    """FastHttpUser (geventhttpclient): the load generator shares the server's two cores, and
    it needs several times less CPU per request than the requests-based HttpUser."""

    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        self.account = next(_accounts)
        self.rng = random.Random(self.account["username"])  # noqa: S311  # load, not secrets
        self.token = ""
        self.sign_in()
        self.api_token()

    def api_token(self) -> None:
        with self.client.post(
            "/api/v1/auth/token",
            json={"username": self.account["username"], "password": PASSWORD},
            name="API token",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"API token answered {response.status_code}")
                return
            self.token = response.json()["token"]

    def sign_in(self) -> None:
        form = self.client.get("/accounts/login/", name="sign-in (form)")
        match = CSRF.search(form.text or "")
        token = match.group(1) if match else ""
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    def _get(self, path: str, name: str, headers: dict[str, str] | None = None) -> None:
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}")

    @task(1)
    def sign_in_again(self) -> None:
        self.client.cookiejar.clear()
        self.sign_in()

    @task(3)
    def dashboard(self) -> None:
        self._get("/", "dashboard")

    @task(3)
    def person_search(self) -> None:
        self._get(f"/people/?q={self.rng.choice(KANA)}", "person search")

    @task(3)
    def person_page(self) -> None:
        self._get(f"/people/{self.rng.choice(self.account['persons'])}/", "person page")

    @task(3)
    def case_page(self) -> None:
        self._get(f"/cases/{self.rng.choice(self.account['cases'])}/", "case page")

    @task(3)
    def case_timeline(self) -> None:
        case = self.rng.choice(self.account["cases"])
        self._get(f"/records/cases/{case}/notes/", "case timeline")

    @task(2)
    def referral_inbox(self) -> None:
        if TARGETS["referrals"]:
            self._get("/referrals/", "referral inbox")

    @task(2)
    def monitoring_due(self) -> None:
        self._get("/plans/monitorings/", "monitoring due list")

    @task(1)
    def statistics(self) -> None:
        if TARGETS["statistics"] and self.account["core_center"]:
            self._get("/referrals/statistics/", "fiscal-year statistics")

    @task(2)
    def referrals_api(self) -> None:
        if TARGETS["referrals"] and self.token:
            headers = {"Authorization": f"Bearer {self.token}"}
            self._get("/api/v1/referrals", "referrals API list", headers=headers)

    @task(2)
    def full_text_search(self) -> None:
        self._get(f"/search/?q={self.rng.choice(WORDS)}", "full-text search")
