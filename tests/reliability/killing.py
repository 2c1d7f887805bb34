"""Killing the sync process at chosen moments: the harness of the kill-and-restart tests.

A :class:`KillSwitch` replaces the sandbox's request log (it *is* a :class:`RequestLog`, so everything that
reads the log still works). The emulator server records a request before it sends the answer, so a kill
from :meth:`KillSwitch.add` lands after the request was handled — the change is made — and before the sync
hears about it: the worst moment for a crash. Other moments come from the child's own log lines (read from
its stderr while it runs) and from random delays.

A trigger names a flow. When that flow ends before the trigger fires (it had less left to do than in a
clean run), the child is killed at the next flow's first write or log line instead, so every planned kill
happens and the run never slips through to the end unkilled (unless the sync had nothing left at all).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from app.sandbox.core import LoggedRequest, RequestLog
from app.sandbox.sandbox import Sandbox
from app.sync.model import ALL_FLOWS, Flow
from tests.reliability.support import (
    CHILD_TIMEOUT,
    ROOT,
    SyncResult,
    app_command,
    child_env,
    flow_of,
    flow_rank,
    is_write,
    parse_report,
)

_LINE = re.compile(r"^\d\d:\d\d:\d\d . (?P<title>[^:]+): ")
_FLOW_BY_TITLE = {flow.title: flow for flow in ALL_FLOWS}


def flow_of_line(line: str) -> Flow | None:
    """The flow of a ``svyazka sync`` log line («12:00:01   Остатки: …»), None for run-level lines."""
    match = _LINE.match(line)
    return _FLOW_BY_TITLE.get(match.group("title")) if match else None


# flows whose uploads run on background writers while later flows go on (app.sync.engine.WRITE_WORKERS)
_DEFERRED = frozenset({Flow.STOCK, Flow.PRICES})


@dataclass(frozen=True)
class Trigger:
    """When to kill: the ``n``-th request / write / log line of ``flow``, or ``seconds`` after the first request."""

    kind: str
    flow: Flow
    n: int = 1
    seconds: float = 0.0
    at: str = ""  # kind "at": "METHOD path-suffix", e.g. "POST entity/demand"

    def describe(self) -> str:
        if self.kind == "delay":
            return f"{self.seconds:.2f} s after the first request"
        if self.kind == "at":
            return f"the first {self.at}"
        return f"{self.kind} #{self.n} of {self.flow.value}"


@dataclass
class Kill:
    trigger: Trigger
    killed: bool
    landed: Flow | None  # the flow that was running when the kill came
    where: str
    code: int
    log_tail: list[str] = field(default_factory=list)


class KillSwitch(RequestLog):
    """The sandbox's request log, which can also kill the armed child process as a request arrives."""

    def __init__(self) -> None:
        super().__init__()
        self._guard = threading.Lock()
        self._pid: int | None = None
        self._trigger: Trigger | None = None
        self._seen: Counter[tuple[str, Flow]] = Counter()
        self._timer: threading.Timer | None = None
        self.landed: Flow | None = None
        self.where = ""
        self.fired = False

    def install(self, sandbox: Sandbox) -> KillSwitch:
        # EmulatorServer.log is the object its handler threads record into (public attribute)
        sandbox.log = self
        sandbox.retailcrm_server.log = self
        sandbox.moysklad_server.log = self
        return self

    def arm(self, pid: int, trigger: Trigger) -> None:
        with self._guard:
            self._pid, self._trigger = pid, trigger
            self._seen.clear()
            self.landed, self.where, self.fired = None, "", False

    def disarm(self) -> None:
        with self._guard:
            self._pid = self._trigger = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def kill(self, where: str, landed: Flow | None = None, pid: int | None = None) -> None:
        with self._guard:
            self._kill_locked(where, landed, pid)

    def _kill_locked(self, where: str, landed: Flow | None, pid: int | None = None) -> None:
        if self._pid is None or self.fired or (pid is not None and pid != self._pid):
            return
        os.kill(self._pid, signal.SIGKILL)
        self.fired = True
        self.where = where
        if landed is not None:
            self.landed = landed

    def add(self, entry: LoggedRequest) -> None:
        super().add(entry)
        with self._guard:
            trigger = self._trigger
            if trigger is None or self.fired:
                return
            flow = flow_of(entry.service, entry.path)
            if flow is Flow.STOCK and self.landed is Flow.CATALOG and "assortmentId" in entry.query:
                # the catalog plan reads the stock of its conflicts' items (shown in the conflict dialog);
                # the stock flow always starts with a changes or full-pass report, never a list of ids
                flow = Flow.CATALOG
            if flow is not None:
                self.landed = flow
            what = f"{entry.method} {entry.service} {entry.path.rsplit('/', 2)[-2:]}"
            if trigger.kind == "delay":
                if self._timer is None:
                    pid = self._pid
                    self._timer = threading.Timer(
                        trigger.seconds, lambda: self.kill(f"{trigger.seconds:.2f} s after the first request",
                                                           pid=pid))
                    self._timer.daemon = True
                    self._timer.start()
                return
            if flow is None:
                return
            if trigger.kind == "at":
                method, _, suffix = trigger.at.partition(" ")
                if entry.method == method and entry.path.endswith(suffix):
                    self._kill_locked(f"{trigger.describe()}: answer not sent", flow)
                return
            if flow_rank(flow) > flow_rank(trigger.flow) and is_write(entry.service, entry.method, entry.path):
                # a later flow's *write* means the trigger's flow had less to do than in the clean run; its reads
                # say nothing: they start early (the stock report is read while the catalog is) and overlap
                # the earlier flows' uploads. Stock and price uploads are deferred to background writers
                # (app.sync.background): a later flow plans and writes only after they were queued, so a kill
                # there, before the trigger's write, interrupts the deferred flow's uploads too, and counts as
                # landing in it
                landed = trigger.flow if trigger.flow in _DEFERRED else flow
                self._kill_locked(f"{flow.value} began before {trigger.describe()}: at {what}", landed)
                return
            if flow is not trigger.flow or trigger.kind == "log":
                return
            if trigger.kind == "write" and not is_write(entry.service, entry.method, entry.path):
                return
            self._seen[(trigger.kind, flow)] += 1
            if self._seen[(trigger.kind, flow)] == trigger.n:
                self._kill_locked(f"{trigger.describe()}: at {what}, answer not sent", flow)


def run_child(switch: KillSwitch, sandbox: Sandbox, data_dir: Path, trigger: Trigger | None) -> tuple[SyncResult, Kill]:
    """One ``svyazka sync --json`` child, killed by ``trigger`` (or left to finish when None)."""
    process = subprocess.Popen(
        app_command(data_dir, "sync", "--json"), cwd=ROOT, env=child_env(sandbox),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    watchdog = threading.Timer(CHILD_TIMEOUT, process.kill)
    watchdog.daemon = True
    watchdog.start()
    lines: list[str] = []
    try:
        if trigger is not None:
            switch.arm(process.pid, trigger)
        log_lines = 0
        assert process.stderr is not None and process.stdout is not None
        for raw in process.stderr:
            line = raw.rstrip("\n")
            lines.append(line)
            flow = flow_of_line(line)
            if trigger is None or trigger.kind != "log" or flow is None:
                continue
            if flow is trigger.flow:
                log_lines += 1
                if log_lines == trigger.n:
                    switch.kill(f"{trigger.describe()}: «{line[11:90]}»", flow)
            elif flow_rank(flow) > flow_rank(trigger.flow):
                switch.kill(f"{flow.value} began before {trigger.describe()}: «{line[11:90]}»", flow)
        stdout = process.stdout.read()
    finally:
        switch.disarm()
        code = process.wait()
        watchdog.cancel()
    result = SyncResult(code, parse_report(stdout), lines)
    kill = Kill(
        trigger=trigger or Trigger("none", Flow.CATALOG),
        # a kill that fired as the child was already exiting on its own came too late: it finished (the run
        # is judged as a finished one); only a child that died of the signal was killed
        killed=switch.fired and code == -signal.SIGKILL,
        landed=switch.landed,
        where=switch.where,
        code=code,
        log_tail=lines[-3:],
    )
    return result, kill


@dataclass
class CleanProfile:
    """How a clean run of the shop looks, to scale the kill points to it."""

    requests: Counter[Flow]
    writes: Counter[Flow]
    lines: Counter[Flow]
    seconds: float  # from the first request to the last

    @classmethod
    def of(cls, entries: list[LoggedRequest], log: list[str]) -> CleanProfile:
        requests: Counter[Flow] = Counter()
        writes: Counter[Flow] = Counter()
        moments = []
        for entry in entries:
            flow = flow_of(entry.service, entry.path)
            if flow is None:
                continue
            moments.append(entry.started)
            requests[flow] += 1
            if is_write(entry.service, entry.method, entry.path):
                writes[flow] += 1
        lines: Counter[Flow] = Counter(f for f in map(flow_of_line, log) if f is not None)
        return cls(requests, writes, lines, (max(moments) - min(moments)) if moments else 1.0)


def schedule(rng: Random, clean: CleanProfile, per_flow: int) -> list[Trigger]:
    """``per_flow`` kills for each flow in flow order: the first at one of the flow's writes (the answer lost),
    the others at a random request, log line or moment."""
    triggers = []
    for flow in ALL_FLOWS:
        for index in range(per_flow):
            kind = "write" if index == 0 and clean.writes[flow] else rng.choice(("request", "log", "delay"))
            if kind == "delay":
                triggers.append(Trigger("delay", flow, seconds=round(rng.uniform(0.0, clean.seconds), 3)))
                continue
            top = {"request": clean.requests, "write": clean.writes, "log": clean.lines}[kind][flow]
            triggers.append(Trigger(kind, flow, n=rng.randint(1, max(1, top))))
    return triggers
