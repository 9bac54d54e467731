"""Long workbench actions (features, publish) in the background: a small bounded runner inside the process.

A request that would hold a browser for tens of seconds starts a job instead and answers at once; the page
polls the job for its progress (scenarios done / total, told by the in-process feature runner) and shows its
result when it is finished. The runner is bounded twice, since anything a token holder sends is hostile: at
most ``workers`` jobs run at a time in a process (one more is refused, HTTP 429), and a finished job is kept
for ``keep_seconds`` and at most ``keep`` of them, the oldest forgotten first. A job belongs to the session
that started it: asked for by anyone else, it does not exist.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..kernel.errors import JobNotFoundError, TooManyJobsError

__all__ = ["Job", "JobRunner", "Outcome", "Progress"]

log = logging.getLogger(__name__)

#: ``progress(stage, done, total)``: what the work has done so far
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Outcome:
    """What a finished job shows: an HTML fragment and its HTTP status, or a page to go to."""

    html: str
    status: int = 200
    redirect: str | None = None


@dataclass
class Job:
    id: str
    owner: tuple[str, str]
    kind: str
    back: str = ""
    stage: str = ""
    done: int = 0
    total: int = 0
    outcome: Outcome | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def state(self) -> str:
        if self.outcome is None:
            return "running"
        return "done" if self.outcome.status < 400 else "failed"

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "kind": self.kind, "state": self.state, "stage": self.stage,
                                "done": self.done, "total": self.total,
                                "seconds": round((self.finished or time.monotonic()) - self.started, 1)}
        if self.outcome is not None:
            body.update(status=self.outcome.status, html=self.outcome.html)
            if self.outcome.redirect:
                body["redirect"] = self.outcome.redirect
        return body


class JobRunner:
    """At most ``workers`` jobs at once; finished ones kept ``keep_seconds``, at most ``keep`` of them."""

    def __init__(self, workers: int = 2, keep: int = 64, keep_seconds: float = 900.0) -> None:
        self.workers, self.keep, self.keep_seconds = workers, keep, keep_seconds
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def running(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.outcome is None)

    def start(self, owner: tuple[str, str], kind: str, work: Callable[[Progress], Outcome],
              failed: Callable[[BaseException], Outcome], back: str = "") -> Job:
        """Run ``work(progress)`` in a thread; refuse when ``workers`` jobs already run.

        ``failed(exc)`` turns an exception of the work into what the job shows (never a traceback); ``back``
        is the page the job was started from.
        """
        with self._lock:
            self._forget()
            if sum(1 for j in self._jobs.values() if j.outcome is None) >= self.workers:
                raise TooManyJobsError(
                    f"実行中の処理が上限（{self.workers} 件）に達しています。しばらく待ってからやり直してください",
                    f"as many long actions as the server runs at once ({self.workers}) are running: "
                    "try again in a little while", code="too_many_jobs")
            job = Job(secrets.token_urlsafe(16), owner, kind, back)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, work, failed), daemon=True, name=f"hojo-job-{kind}").start()
        return job

    def get(self, job_id: str, owner: tuple[str, str]) -> Job:
        """The job, if this owner started it and it is not forgotten yet."""
        with self._lock:
            self._forget()
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest("\0".join(job.owner), "\0".join(owner)):
            raise JobNotFoundError("その処理はありません（期限切れか、別の利用者のものです）",
                                   "no such job (expired, or another user's)", code="job_not_found")
        return job

    def _run(self, job: Job, work: Callable[[Progress], Outcome], failed: Callable[[BaseException], Outcome]
             ) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        try:
            outcome = work(progress)
        except Exception as exc:  # the job must end with something to show, whatever went wrong
            if not hasattr(exc, "message_ja"):
                log.exception("hojo: workbench job %s (%s) failed", job.id, job.kind)
            outcome = failed(exc)
        with self._lock:
            job.outcome, job.finished = outcome, time.monotonic()

    def _forget(self) -> None:
        """Drop expired finished jobs, then the oldest finished ones beyond ``keep`` (lock held)."""
        now = time.monotonic()
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for job in finished:
            if now - job.finished > self.keep_seconds:  # type: ignore[operator]
                del self._jobs[job.id]
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for job in finished[:max(0, len(finished) - self.keep)]:
            del self._jobs[job.id]
