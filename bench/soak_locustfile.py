"""The soak's workload (bench/soak.py, issue 15): the mixed reads of bench/locustfile.py, and
writes through the API as an office's staff make them through the day: progress notes on
their cases, tasks, and tasks moved on.

Every write the server acknowledged (201 or 200 with the row) is appended to the ledger
(SOAK_LEDGER, one JSON object per line); bench/soak.py reads each one back from the database
once the load has ended.  Users think between requests (SOAK_THINK seconds, "1-3"): a soak
holds a day's load for minutes, it does not saturate the cores as the throughput test does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

from locust import between, task

from bench.locustfile import Staff

LEDGER = os.environ["SOAK_LEDGER"]
_low, _, _high = os.environ.get("SOAK_THINK", "1-3").partition("-")
THINK = (float(_low), float(_high or _low))
NOTE_KINDS = ["phone", "interview", "home_visit", "agency_contact"]


def acknowledged(entry: dict[str, Any]) -> None:
    """One line per acknowledged write.  The greenlets of this process take turns, and a line
    is written in one call, so lines never interleave."""
    with open(LEDGER, "a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(entry, ensure_ascii=False) + "\n")


class SoakStaff(Staff):
    """Staff who read (the tasks of `Staff`) and write through the API."""

    wait_time = between(*THINK)

    def on_start(self) -> None:
        super().on_start()
        self.open_tasks: dict[int, str] = {}  # made by this user and not done: id -> status

    def _api(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _post(self, path: str, body: dict[str, Any], name: str, ok: int) -> dict[str, Any] | None:
        if not self.token:
            return None
        with self.client.post(
            path, json=body, headers=self._api(), name=name, catch_response=True
        ) as response:
            if response.status_code != ok:
                response.failure(f"{name}: {response.status_code} {response.text[:200]}")
                return None
            answer: dict[str, Any] = response.json()
            return answer

    @task(4)
    def write_note(self) -> None:
        cases = self.account.get("writable_cases") or []
        if not cases:
            return
        marker = uuid.uuid4().hex
        case = self.rng.choice(cases)
        body = {
            "kind": self.rng.choice(NOTE_KINDS),
            "text": f"ソーク試験 {marker}: 電話で近況を確認。次回の訪問日を調整した。",
        }
        answer = self._post(f"/api/v1/cases/{case}/notes", body, "API: add a note", 201)
        if answer is not None:
            acknowledged({"write": "note", "id": answer["id"], "case": case, "marker": marker})

    @task(2)
    def write_task(self) -> None:
        cases = self.account.get("writable_cases") or []
        if not cases:
            return
        marker = uuid.uuid4().hex
        case = self.rng.choice(cases)
        due = dt.date.today() + dt.timedelta(days=self.rng.randint(1, 30))  # noqa: DTZ011
        body = {"title": f"ソーク {marker}", "case_id": case, "due_on": due.isoformat()}
        answer = self._post("/api/v1/tasks", body, "API: add a task", 201)
        if answer is not None:
            acknowledged({"write": "task", "id": answer["id"], "case": case, "marker": marker})
            self.open_tasks[answer["id"]] = answer["status"]

    @task(2)
    def move_task(self) -> None:
        """The oldest unfinished task this user made moves on: 未着手 -> 対応中 -> 完了."""
        if not self.open_tasks:
            return
        task_id, current = next(iter(self.open_tasks.items()))
        status = "in_progress" if current == "open" else "done"
        answer = self._post(
            f"/api/v1/tasks/{task_id}/status", {"status": status}, "API: move a task", 200
        )
        if answer is not None:
            acknowledged({"write": "task_status", "id": task_id, "status": answer["status"]})
            if answer["status"] == "done":
                del self.open_tasks[task_id]
            else:
                self.open_tasks[task_id] = answer["status"]
