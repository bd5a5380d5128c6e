"""Memory of the app (issue 15, ADR 0007): what one process holds once the app is loaded, and
what a gunicorn worker holds after serving the home page and case pages.

    python bench/memory.py [TARGETS.json]

Runs with the environment it is given (DATABASE_URL, TSUNAGU_DEMO=1; bench/run.py passes a
dataset's): without a targets file it signs in as the demo's `office_a1` and reads the cases
that account leads; with one (bench/run.py's) it uses the first account and its cases.
Prints a JSON object:
- `import`: VmRSS of a fresh `django.setup(); import tsunagu.urls` (the app as gunicorn
  preloads it), its module count, and which of the document libraries it pulled in (none:
  they are imported where they are used);
- `worker_signed_in_mb`, `worker_served_mb`: VmRSS of each gunicorn worker (gunicorn.conf.py,
  DEBUG off) once the accounts have signed in (a password hash each), and after
  BENCH_MEMORY_ROUNDS rounds of the home page and every target case page (default 20);
  `worker_served_pss_mb`, their proportional share then (a page shared by n processes counts
  1/n in each).

Memory, not time: it is not a test, and `make bench` runs it alone on the machine.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess  # runs our own Python with fixed arguments
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import PYTHON, children, free_port, memory_mb, serve, stop  # noqa: E402

# Imported only where a document is made (exports, printing, FHIR, the calendar file, the
# de-identification of minutes); a module-level import of any of them puts it in every worker.
DOCUMENT_LIBRARIES = [
    "weasyprint",
    "openpyxl",
    "fhir",
    "fhir_core",
    "icalendar",
    "segno",
    "sudachipy",
    "jsonschema",
    "PIL",
    "fontTools",
    "webauthn",
    "OpenSSL",
]

IMPORT_CODE = """
import json, re, sys
from pathlib import Path
import django
django.setup()
import tsunagu.urls
rss = int(re.search(r"VmRSS:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
names = json.loads(sys.argv[1])
json.dump({"rss_mb": round(rss / 1024, 1), "modules": len(sys.modules),
           "libraries": [n for n in names if n in sys.modules]}, sys.stdout)
"""

DEMO_TARGETS_CODE = """
import json, sys, django
django.setup()
from tsunagu.cases.models import Case
from tsunagu.demo import DEMO_PASSWORD
cases = list(Case.objects.filter(lead_worker__username="office_a1").values_list("pk", flat=True))
json.dump({"password": DEMO_PASSWORD, "accounts": [{"username": "office_a1", "cases": cases}]},
          sys.stdout)
"""


def pss_mb(pid: int) -> float | None:
    """Proportional set size: the pages shared with the master and the other workers
    (`preload_app`) counted once across them, so that the workers' PSS add up to what they
    hold together, where each one's RSS counts every shared page in full."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def import_footprint(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", IMPORT_CODE, json.dumps(DOCUMENT_LIBRARIES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def demo_targets(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", DEMO_TARGETS_CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: dict[str, Any] = json.loads(done.stdout)
    return found


class Browser:
    """Just enough of a browser: cookies, the CSRF token of the sign-in form, no redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")

    def sign_in(self, username: str, password: str) -> None:
        _, form = self.get("/accounts/login/")
        match = CSRF.search(form)
        data = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1) if match else "",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310  # loopback, our own server
            self.base + "/accounts/login/",
            data=data,
            headers={"Referer": self.base + "/accounts/login/"},
        )
        with self.opener.open(request, timeout=60) as response:
            if "/accounts/login/" in response.url:
                raise RuntimeError(f"sign-in as {username} failed")


def worker_memory(
    env: dict[str, str], targets: dict[str, Any], rounds: int, workers: int
) -> dict[str, Any]:
    port = free_port()
    server = serve(env, port, workers)
    try:
        base = f"http://127.0.0.1:{port}"
        account = targets["accounts"][0]
        cases = list(account["cases"])[:10]
        # One sign-in per worker at least: gunicorn hands connections to whichever is free.
        browsers = [Browser(base) for _ in range(workers * 2)]
        for browser in browsers:
            browser.sign_in(account["username"], targets["password"])
        pids = children(server.pid)
        signed_in = [m for m in (memory_mb(pid, "VmRSS") for pid in pids) if m is not None]
        statuses: dict[int, int] = {}
        for _ in range(rounds):
            for browser in browsers:
                for path in ["/", *(f"/cases/{pk}/" for pk in cases)]:
                    status, _body = browser.get(path)
                    statuses[status] = statuses.get(status, 0) + 1
        served = [m for m in (memory_mb(pid, "VmRSS") for pid in pids) if m is not None]
        peak = [m for m in (memory_mb(pid, "VmHWM") for pid in pids) if m is not None]
        pss = [m for m in (pss_mb(pid) for pid in pids) if m is not None]
    finally:
        stop(server)
    return {
        "workers": workers,
        "pages": sum(statuses.values()),
        "statuses": statuses,
        "worker_signed_in_mb": [round(m, 1) for m in signed_in],
        "worker_served_mb": [round(m, 1) for m in served],
        "worker_peak_mb": [round(m, 1) for m in peak],
        "worker_served_pss_mb": [round(m, 1) for m in pss],
    }


def measure(env: dict[str, str], targets: dict[str, Any] | None = None) -> dict[str, Any]:
    """Both figures for the dataset of `env`; bench/run.py calls this once per database."""
    rounds = int(os.environ.get("BENCH_MEMORY_ROUNDS", "20"))
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    return {
        "import": import_footprint(env),
        **worker_memory(env, targets or demo_targets(env), rounds, workers),
    }


def main() -> int:
    env = dict(os.environ)
    env.setdefault("TSUNAGU_DEMO", "1")
    env.setdefault("DJANGO_DEBUG", "0")
    env.setdefault("TSUNAGU_REQUIRE_2FA", "0")
    env.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    env.pop("PYTEST_VERSION", None)
    targets = None
    if len(sys.argv) > 1:
        targets = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(measure(env, targets), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
