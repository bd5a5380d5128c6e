"""CPU per request, in process (issue 15): the framework's floor, the page frame and every key
screen.

Run by bench/run.py in a subprocess with the dataset's environment (demo mode, DEBUG off):

    python bench/inprocess.py TARGETS.json OUT.json

Requests go through the WSGI application as gunicorn calls it, with Django's request
signals, so connections are kept or closed as in production; the app is loaded with the
garbage collector off and frozen before the first request, as gunicorn.conf.py does.  Each
round asks every screen once, in turn, as the signed-in accounts of the targets file (the
statistics as a core-center account), after BENCH_WARMUP_ROUNDS unmeasured rounds; the CPU
of the process (`time.process_time`) is taken around each call of the application only.
The query count of each screen comes from one more, untimed request.

Environment: BENCH_ROUNDS (30), BENCH_WARMUP_ROUNDS (3).
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KANA = ["サトウ", "スズキ", "タナカ ハナコ", "ヤマダ", "ささき", "ｲﾄｳ"]
WORDS = ["借金", "入院", "母の入院", "グループホーム", "通所", "短期入所の空き"]
HOST = "127.0.0.1"

# The rows of the results table, in order; "floor" is the reference of the others (the issue's
# targets), "frame" the share of each screen that is the page around it (bench/floor_urls.py).
FLOOR = "floor (minimal signed-in view)"
FRAME = "page frame (base layout, empty content)"
SCREENS = [
    "dashboard",
    "person search",
    "person page",
    "case page",
    "case timeline",
    "referral inbox",
    "monitoring due list",
    "fiscal-year statistics",
    "referrals API list",
    "full-text search",
]


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Browser:
    """One user agent: its cookies (or bearer token), talking to the application directly."""

    app: WSGIApp
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def environ(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        json_body: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        from django.test import RequestFactory

        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        factory = RequestFactory(headers=headers, SERVER_NAME=HOST)
        if method == "GET":
            request = factory.get(path, query or {})
        elif json_body is not None:
            request = factory.post(path, json.dumps(json_body), content_type="application/json")
        else:
            request = factory.post(path, form or {})
        environ: dict[str, Any] = request.environ
        return environ

    def call(self, environ: dict[str, Any]) -> Response:
        """Call the application; only this is timed by the caller."""
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
            started["status"] = int(status.split()[0])
            started["headers"] = headers

        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: the connection is kept or closed here
        return Response(started["status"], started["headers"], body)

    def keep_cookies(self, response: Response) -> None:
        for name, value in response.headers:
            if name.lower() != "set-cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def request(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        json_body: dict[str, str] | None = None,
    ) -> Response:
        response = self.call(self.environ(method, path, query, form, json_body))
        self.keep_cookies(response)
        return response


def sign_in(app: WSGIApp, username: str, password: str) -> Browser:
    browser = Browser(app)
    page = browser.request("GET", "/accounts/login/")
    match = CSRF.search(page.body.decode())
    token = match.group(1) if match else ""
    done = browser.request(
        "POST",
        "/accounts/login/",
        form={"username": username, "password": password, "csrfmiddlewaretoken": token},
    )
    if done.status != 302:
        raise RuntimeError(f"sign-in of {username} answered {done.status}")
    location = dict(done.headers).get("Location", "/")
    browser.request("GET", location)  # as a browser follows the redirect
    return browser


def api_client(app: WSGIApp, username: str, password: str) -> Browser:
    client = Browser(app)
    answer = client.request(
        "POST", "/api/v1/auth/token", json_body={"username": username, "password": password}
    )
    if answer.status != 200:
        raise RuntimeError(f"token for {username} answered {answer.status}")
    client.token = json.loads(answer.body)["token"]
    return client


@dataclass
class Account:
    username: str
    core_center: bool
    cases: list[int]
    persons: list[int]
    browser: Browser
    api: Browser


Request = tuple[Browser, str, dict[str, str] | None]


def requests_for(
    floor_path: str, frame_path: str, accounts: list[Account], rng: random.Random
) -> Iterator[dict[str, Request]]:
    """Round after round: every screen once, as the next account in turn."""
    core = next((a for a in accounts if a.core_center), accounts[0])
    n = 0
    while True:
        a = accounts[n % len(accounts)]
        n += 1
        case = rng.choice(a.cases) if a.cases else 0
        person = rng.choice(a.persons) if a.persons else 0
        yield {
            FLOOR: (a.browser, floor_path, None),
            FRAME: (a.browser, frame_path, None),
            "dashboard": (a.browser, "/", None),
            "person search": (a.browser, "/people/", {"q": rng.choice(KANA)}),
            "person page": (a.browser, f"/people/{person}/", None),
            "case page": (a.browser, f"/cases/{case}/", None),
            "case timeline": (a.browser, f"/records/cases/{case}/notes/", None),
            "referral inbox": (a.browser, "/referrals/", None),
            "monitoring due list": (a.browser, "/plans/monitorings/", None),
            "fiscal-year statistics": (core.browser, "/referrals/statistics/", None),
            "referrals API list": (a.api, "/api/v1/referrals", None),
            "full-text search": (a.browser, "/search/", {"q": rng.choice(WORDS)}),
        }


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    from django.db import connection

    count = [0]

    def counter(execute: Callable[..., Any], *args: Any) -> Any:
        count[0] += 1
        return execute(*args)

    with connection.execute_wrapper(counter):
        yield count


def measure(targets: dict[str, Any], rounds: int, warmup: int) -> dict[str, Any]:
    gc.disable()  # as gunicorn.conf.py: off while the app loads, then frozen
    import django

    django.setup()
    from django.conf import settings
    from django.urls import clear_url_caches

    from bench.floor_urls import FLOOR_PATH, FRAME_PATH

    settings.ROOT_URLCONF = "bench.floor_urls"
    clear_url_caches()
    from tsunagu.wsgi import application

    gc.freeze()
    gc.enable()

    password = targets["password"]
    accounts = [
        Account(
            username=a["username"],
            core_center=a["core_center"],
            cases=a["cases"],
            persons=a["persons"],
            browser=sign_in(application, a["username"], password),
            api=api_client(application, a["username"], password),
        )
        for a in targets["accounts"]
    ]
    rng = random.Random(2026)  # noqa: S311  # which ids to ask for, not secrets
    plan = requests_for(FLOOR_PATH, FRAME_PATH, accounts, rng)
    names = [FLOOR, FRAME, *SCREENS]
    cpu: dict[str, list[float]] = {name: [] for name in names}
    failures: dict[str, int] = dict.fromkeys(names, 0)
    for number in range(warmup + rounds):
        for name, (browser, path, query) in next(plan).items():
            environ = browser.environ("GET", path, query)
            began = time.process_time()
            response = browser.call(environ)
            spent = time.process_time() - began
            browser.keep_cookies(response)
            if response.status != 200:
                failures[name] += 1
            elif number >= warmup:
                cpu[name].append(spent * 1000)
    queries: dict[str, int] = {}
    for name, (browser, path, query) in next(plan).items():
        with counting_queries() as count:
            browser.request("GET", path, query)
        queries[name] = count[0]
    return {
        "rounds": rounds,
        "warmup_rounds": warmup,
        "accounts": len(accounts),
        "screens": {
            name: {
                "cpu_ms": statistics.fmean(cpu[name]) if cpu[name] else None,
                "median_ms": statistics.median(cpu[name]) if cpu[name] else None,
                "count": len(cpu[name]),
                "failures": failures[name],
                "queries": queries.get(name),
            }
            for name in names
        },
    }


def main(argv: list[str]) -> int:
    targets_path, out_path = Path(argv[1]), Path(argv[2])
    targets = json.loads(targets_path.read_text(encoding="utf-8"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "30"))
    warmup = int(os.environ.get("BENCH_WARMUP_ROUNDS", "3"))
    result = measure(targets, rounds, warmup)
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
