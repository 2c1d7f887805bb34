"""The sync engine: runs the flows in order, records the run, and reports while it works.

Every flow is planned, then (unless it is a dry run) applied, before the next flow plans: the stock and price
flows need the links the catalog flow has just made, and orders need those links too. A dry run plans every
flow against the links the catalog plan *would* make (``RunContext.planned_links``).

Two things overlap, because on a big shop the run is otherwise mostly waiting for one service's rate limit
while the other idles: a flow may *prefetch* a read before its turn (the stock report is read while the
catalogs are), and a flow's upload batches may be *deferred* (:mod:`app.sync.background`): stock and prices
are uploaded to RetailCRM while the next flows plan and MoySklad gets the orders. The run ends when every
deferred batch has ended; what they did is counted and logged as if the apply had done it inline.

Failures are sorted the way a shop owner can act on them:

* a settings problem (bad key, missing permission, unknown warehouse) stops the whole run: nothing else
  can work until it is fixed;
* a service that is busy or down fails that flow; the next flows still run (RetailCRM may be fine while
  MoySklad is down);
* Stop (the cancel token) ends the run between pages or batches; everything written so far is consistent,
  because every write is recorded (links, cursors, pushed values) as soon as it succeeds;
* the local database failing (a full disk, a damaged file) stops the run: a write that cannot be recorded
  must not be made. The run's own bookkeeping is still tried, and never raises out of :meth:`SyncEngine.run`;
* anything else is a bug of ours: that flow stops, its traceback goes to the technical log
  (:mod:`app.techlog`), the journal says so in a sentence, the next flows still run and the report is
  ``crashed`` (the CLI's exit 4).

Between a flow's plan and its apply the safety check (:mod:`app.sync.safety`) looks for figures only a wrong
assumption gives (most of the links dropped, hundreds of products created, every stock zeroed...). When a
guard trips, the run's :class:`SafetyPolicy` decides: ask the person, or refuse / skip (nothing of that
flow or of the later ones is written, and the run is recorded as ``held``), or allow. A dry run reports.

Only one run of a profile goes at a time, whoever starts it: :meth:`SyncEngine.run` takes the profile's run lock
(app/store/run_lock.py) first and raises :class:`ProfileBusy` when another run holds it. And every run has a
watchdog (app/sync/watchdog.py): past its time limit the run is stopped and recorded as failed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.clients.errors import SettingsError as ServiceSettingsError
from app.clients.errors import SvyazkaApiError
from app.store import Database, LogEntry, SyncSettings
from app.store.errors import StoreError
from app.store.run_lock import ProfileBusy, RunLock
from app.sync import page_limits, safety
from app.sync.background import BackgroundWrites
from app.sync.model import (
    ALL_FLOWS,
    Callbacks,
    Cancelled,
    CancelToken,
    Counts,
    Flow,
    FlowPlan,
    Level,
    LogEvent,
    RunReport,
    SafetyPolicy,
    SafetyTrip,
)
from app.sync.ports import MoySkladPort, RetailCrmPort
from app.sync.run_context import WRITE_WORKERS, FlowRunner, RunContext
from app.sync.run_figures import counts_json, requests_sent, summary
from app.sync.watchdog import RunLimits, Watchdog, duration_words

__all__ = ["FlowRunner", "RunContext", "SyncEngine"]  # the flows import the first two from here

class SyncEngine:
    """Runs flows for one profile. Construct per run (cheap); thread-confined to the caller's thread."""

    def __init__(
        self,
        db: Database,
        profile_id: int,
        settings: SyncSettings,
        retailcrm: RetailCrmPort,
        moysklad: MoySkladPort,
        flows: Mapping[Flow, FlowRunner],
        *,
        callbacks: Callbacks | None = None,
        cancel: CancelToken | None = None,
        clock: Callable[[], datetime] | None = None,
        limits: RunLimits | None = None,
    ) -> None:
        self.clock = clock
        self.limits = limits or RunLimits.from_env()
        # called (on the watchdog's thread) when a run over its limit did not stop within the grace period, after
        # the run was recorded as failed: a process running nothing else ends itself here (the CLI, the window's
        # sync child), which also releases the profile's run lock. None: the run is left to end when it can.
        self.on_stuck: Callable[[str], None] | None = None
        self.db = db
        self.profile_id = profile_id
        self.settings = settings
        self.retailcrm = retailcrm
        self.moysklad = moysklad
        self.flows = dict(flows)
        self.callbacks = callbacks or Callbacks()
        self.cancel = cancel or CancelToken()
        self.write_workers = WRITE_WORKERS
        self._selected: list[Flow] = []

    def _prefetch(self, ctx: RunContext, selected: list[Flow]) -> None:
        """Let flows start the reads they will need before their turn (see :class:`FlowRunner`)."""
        for flow in selected:
            prefetch = getattr(self.flows.get(flow), "prefetch", None)
            if prefetch is not None:
                prefetch(ctx)

    def _follow_ups(
        self, ctx: RunContext, selected: list[Flow], plans: dict[Flow, FlowPlan], counts: dict[Flow, Counts]
    ) -> tuple[str | None, bool]:
        """Each applied flow's ``follow_up`` (see :class:`FlowRunner`), failures sorted as in the run itself;
        returns a settings problem's message (the run stops) or None, and whether one of them crashed."""
        crashed = False
        for flow in selected:
            follow_up = getattr(self.flows.get(flow), "follow_up", None)
            if follow_up is None or flow not in plans:
                continue
            ctx.check_cancel()
            try:
                extra = follow_up(ctx, plans[flow])
                if extra is not None:
                    counts[flow].add(extra)
            except ServiceSettingsError as exc:
                ctx.log(Level.ERROR, flow, f"{flow.title}: {exc.message}")
                return exc.message, crashed
            except SvyazkaApiError as exc:
                counts[flow].failed += 1
                ctx.log(Level.ERROR, flow, f"{flow.title}: поток прерван. {exc.message}")
            except (Cancelled, StoreError):
                raise
            except Exception as exc:  # a bug: the other follow-ups still run
                crashed = True
                counts[flow].failed += 1
                ctx.crashed(flow, exc)
            finally:
                ctx.flush_log()
        return None, crashed

    def _drain(self, ctx: RunContext, selected: list[Flow], counts: dict[Flow, Counts]) -> _Drained:
        """Wait for every flow's deferred writes and fold their outcome into the run, as an inline apply would."""
        assert ctx.background is not None
        drained = _Drained()
        for flow in selected:
            try:
                outcome = ctx.background.finish(flow)
            except StoreError as exc:  # a job could not record what it wrote: the run stops, as inline
                drained.fatal = drained.fatal or str(exc)
                ctx.background.stop()
                ctx.log(Level.ERROR, flow, f"{flow.title}: {exc}")
                continue
            except Exception as exc:  # a deferred job's bug (raised here by finish)
                drained.crashed = True
                counts[flow].failed += 1
                ctx.crashed(flow, exc)
                continue
            if outcome is None:
                continue
            counts[flow].add(outcome.counts)
            if outcome.fatal is not None:
                if drained.fatal is None:
                    drained.fatal = outcome.fatal.message
                    ctx.log(Level.ERROR, flow, f"{flow.title}: {outcome.fatal.message}")
            elif outcome.error is not None:
                counts[flow].failed += 1
                ctx.log(Level.ERROR, flow, f"{flow.title}: поток прерван. {outcome.error.message}")
            if outcome.cancelled:
                drained.cancelled = True
        ctx.flush_log()
        return drained

    def run(
        self,
        flows: Iterable[Flow] = ALL_FLOWS,
        *,
        dry_run: bool = False,
        full: bool = False,
        trigger: str = "manual",
        safety_policy: SafetyPolicy | None = None,
        lock_wait: float = 0.0,
    ) -> RunReport:
        """Run the flows. ``safety_policy``: what a tripped safety check does (by default from ``trigger``:
        a scheduled run skips, the CLI refuses, a run started by hand asks).

        Only one run of a profile goes at a time (app/store/run_lock.py): while another holds the profile, this
        waits up to ``lock_wait`` seconds (``math.inf``: until it ends), then raises :class:`ProfileBusy`
        naming the holder. A scheduled run that finds the profile busy also says so in the journal."""
        policy = safety_policy or safety.policy_for_trigger(trigger)
        lock = RunLock(self.db, self.profile_id, trigger)
        try:
            lock.acquire(lock_wait, on_wait=self._say_waiting)
        except ProfileBusy as busy:
            if trigger == "schedule":
                with contextlib.suppress(StoreError):
                    self.db.log(self.profile_id).add(LogEntry(
                        level="warning", flow="system",
                        message=f"Запуск по расписанию пропущен: {busy.holder.describe()}. Он начнётся в следующий "
                                "раз по расписанию.",
                    ))
            raise
        try:
            # process-wide tuning (gc, thread switches, heap arenas) is the process's business: app/runner/tuning.py
            return self._run(flows, dry_run=dry_run, full=full, trigger=trigger, policy=policy,
                             interrupted=lock.interrupted)
        finally:
            lock.release()

    def _say_waiting(self, holder: Any) -> None:
        self.callbacks.on_log(LogEvent(
            Level.INFO, None, f"Профиль занят: {holder.describe()}. Жду, когда тот запуск закончится…"
        ))

    def _safe_to_write(self, ctx: RunContext, plan: FlowPlan, policy: SafetyPolicy, trips: list[SafetyTrip],
                       seen: dict[str, int]) -> bool:
        """Check ``plan`` before it writes; False when the run must stop here (said in the log)."""
        found = safety.check(plan, self.settings, seen)
        if not found:
            return True
        trips.extend(found)
        flow = plan.flow
        for trip in found:
            ctx.log(Level.WARNING, flow, f"Проверка перед записью не пройдена. {trip.message}",
                    details={"guard": trip.guard})
        if ctx.dry_run:
            return True  # a dry run writes nothing anyway: it only reports
        if policy is SafetyPolicy.ALLOW:
            ctx.log(Level.WARNING, flow, "Запись разрешена заранее (запуск с --yes), продолжаем.")
            return True
        if policy is SafetyPolicy.ASK:
            ctx.flush_log()  # the person sees in the journal what the question is about
            try:
                answer = bool(self.callbacks.on_confirm(flow, list(found)))
            except Cancelled:
                raise
            except Exception:  # a broken question must never count as a yes
                answer = False
            if ctx.cancel.cancelled:
                raise Cancelled()
            said = "продолжить запись" if answer else "не записывать"
            ctx.log(Level.WARNING, flow, f"На вопрос проверки перед записью ответили «{said}».",
                    details={"answer": "yes" if answer else "no"})
            if answer:
                return True
        later = [f.title for f in ALL_FLOWS if ALL_FLOWS.index(f) > ALL_FLOWS.index(flow) and f in self._selected]
        nothing = (f"ни этот поток, ни следующие ({', '.join(later)}) ничего не записали" if later
                   else "этот поток ничего не записал")
        what_next = {
            SafetyPolicy.SKIP: "Автоматический запуск пропустил запись. Проверьте, что указано выше, и запустите "
                               "синхронизацию вручную: Связка спросит, продолжать ли.",
            SafetyPolicy.REFUSE: "Проверьте, что указано выше; если всё верно, запустите синхронизацию снова с "
                                 "подтверждением.",
        }.get(policy, "Проверьте, что указано выше, и запустите синхронизацию снова.")
        # a scheduled run has nobody watching: an error line, so the journal's filters and the alert show it
        level = Level.ERROR if policy is SafetyPolicy.SKIP else Level.WARNING
        ctx.log(level, flow, f"Проверка перед записью остановила синхронизацию: {nothing}. {what_next}")
        return False

    def _overtime_message(self) -> str:
        return (f"Синхронизация шла дольше {duration_words(self.limits.run_seconds)} — так долго она не идёт, "
                "значит, какой-то сервис отвечал слишком медленно. Связка остановила её, чтобы следующие запуски "
                "не ждали за ней. Всё, что успело записаться, сохранено; следующий запуск продолжит с этого места.")

    def _watchdog(self, ctx: RunContext, runs: Any, run_id: int) -> Watchdog:
        """This run's watchdog (app/sync/watchdog.py): over the limit it stops the run; stuck, it fails it."""

        def overtime() -> None:
            ctx.log(Level.ERROR, None, self._overtime_message())
            self.cancel.cancel()

        def stuck() -> None:
            message = (f"Синхронизация не остановилась за {duration_words(self.limits.grace_seconds)} после "
                       f"предела в {duration_words(self.limits.run_seconds)}: она ждала ответа сервиса, который так и "
                       "не пришёл. Связка прервала её. Всё, что успело записаться, сохранено; следующий запуск "
                       "проверит, что уже сделано.")
            # straight to the store, not through ctx: its lock may be held by the thread that is stuck
            with contextlib.suppress(Exception):
                self.db.log(self.profile_id).add(LogEntry(level="error", flow="system", message=message,
                                                          run_id=run_id))
            with contextlib.suppress(Exception):
                runs.finish(run_id, "failed", errors=ctx.errors + 1, message=message)
            if self.on_stuck is not None:
                self.on_stuck(message)

        return Watchdog(self.limits, overtime, stuck).start()

    def _remember_sizes(self, plan: FlowPlan) -> None:
        """The sizes this run saw, for the next run's suspect-read check (only after the flow was applied)."""
        sizes = safety.remembered_sizes(plan)
        if sizes:
            safety.SeenSizes(self.db.cursors(self.profile_id)).remember(sizes)

    def _run(self, flows: Iterable[Flow], *, dry_run: bool, full: bool, trigger: str,
             policy: SafetyPolicy, interrupted: list[int]) -> RunReport:
        selected = [f for f in ALL_FLOWS if f in set(flows)]
        self._selected = selected
        started = time.monotonic()
        requests_before = requests_sent(self.retailcrm, self.moysklad)  # clients may outlive one run
        limited_before = requests_sent(self.retailcrm, self.moysklad, counter="rate_limited")
        runs = self.db.runs(self.profile_id)
        run = runs.start(trigger, dry_run=dry_run, message="пробный запуск" if dry_run else "")
        ctx = RunContext(
            db=self.db,
            profile_id=self.profile_id,
            settings=self.settings,
            retailcrm=self.retailcrm,
            moysklad=self.moysklad,
            callbacks=self.callbacks,
            cancel=self.cancel,
            run_id=run.id,
            dry_run=dry_run,
            full=full,
        )
        if self.clock is not None:
            ctx.clock = self.clock
        counts: dict[Flow, Counts] = {f: Counts() for f in selected}
        plans: dict[Flow, FlowPlan] = {}
        conflicts = 0
        cancelled = False
        fatal: str | None = None
        trips: list[SafetyTrip] = []
        held = False
        crashed = False
        stop_reason = ""
        seen = safety.SeenSizes(self.db.cursors(self.profile_id)).read()
        what = "Пробный запуск" if dry_run else "Синхронизация"
        ctx.log(Level.INFO, None, f"{what} начата: {', '.join(f.title for f in selected) or 'ничего не выбрано'}.")
        for run_id in interrupted:
            ctx.log(Level.WARNING, None, f"Запуск №{run_id} не закончился: его процесс завершился, не доделав "
                                         "работу. Он отмечен как прерванный; этот запуск проверит, что уже сделано.")
        page_sizes = page_limits.restore(self.db, self.profile_id, self.retailcrm)
        if not dry_run:
            ctx.background = BackgroundWrites(self.write_workers)
        ctx.prefetch = ThreadPoolExecutor(max_workers=2, thread_name_prefix="svyazka-prefetch")
        watchdog = self._watchdog(ctx, runs, run.id)  # stopped in the finally right below
        try:
            try:
                self._prefetch(ctx, selected)
                for flow in selected:
                    runner = self.flows.get(flow)
                    if runner is None:
                        ctx.log(Level.WARNING, flow, f"{flow.title}: этот поток пока не поддерживается, пропущен.")
                        continue
                    ctx.check_cancel()
                    try:
                        plan = runner.plan(ctx)
                        plans[flow] = plan
                        conflicts += plan.conflicts
                        for note in plan.notes:
                            ctx.log(Level.INFO, flow, note)
                        if not self._safe_to_write(ctx, plan, policy, trips, seen):
                            held = True
                            break
                        if dry_run:
                            counts[flow] = plan.counts
                        else:
                            ctx.check_cancel()
                            counts[flow] = runner.apply(ctx, plan)
                            self._remember_sizes(plan)
                    except ServiceSettingsError as exc:
                        fatal = exc.message
                        stop_reason = f"{exc.service}:{exc.reason}"
                        ctx.log(Level.ERROR, flow, f"{flow.title}: {exc.message}")
                        break
                    except SvyazkaApiError as exc:
                        counts[flow].failed += 1
                        ctx.log(Level.ERROR, flow, f"{flow.title}: поток прерван. {exc.message}")
                    except (Cancelled, StoreError):
                        raise
                    except Exception as exc:  # a bug in this flow: the next flows still run
                        crashed = True
                        counts[flow].failed += 1
                        ctx.crashed(flow, exc)
                    finally:
                        ctx.flush_log()
                        runs.checkpoint(run.id, counts=counts_json(counts), errors=ctx.errors, conflicts=conflicts)
                if not dry_run and fatal is None:
                    fatal, crashed_later = self._follow_ups(ctx, selected, plans, counts)
                    crashed = crashed or crashed_later
            finally:
                # Deferred uploads end before the run does, whatever happened: counted, logged, recorded.
                if ctx.background is not None:
                    if fatal is not None:
                        ctx.background.stop()
                    ctx.start_bookkeeping()
                    drained = self._drain(ctx, selected, counts)
                    fatal = fatal or drained.fatal
                    cancelled = drained.cancelled
                    crashed = crashed or drained.crashed
                    runs.checkpoint(run.id, counts=counts_json(counts), errors=ctx.errors, conflicts=conflicts)
        except Cancelled:
            cancelled = True
        except StoreError as exc:
            fatal = str(exc)
            ctx.log_held = True  # the store is what failed: its log lines are tried once, at the end
        except Exception as exc:  # a bug outside any one flow (a deferred job's, the engine's own)
            crashed = True
            fatal = "Синхронизация остановлена из-за внутренней ошибки Связки."
            ctx.crashed(None, exc)
        finally:
            if ctx.background is not None:
                ctx.background.close()
            ctx.prefetch.shutdown(wait=True, cancel_futures=True)
            watchdog.stop()
        if watchdog.fired.is_set():  # not the person's Stop: the run failed, and the journal says why
            cancelled = False
            fatal = fatal or self._overtime_message()
        # the run's last lines are written together at its end, by a flush that cannot fail the run
        ctx.log_held = True
        # a page size the account refused is a fact about it, whatever became of the run
        with contextlib.suppress(StoreError):
            for sentence in page_limits.remember(self.db, self.profile_id, self.retailcrm, page_sizes):
                ctx.log(Level.INFO, None, sentence)
        if cancelled:
            ctx.log(Level.WARNING, None, "Остановлено пользователем. Всё, что успело записаться, сохранено.")

        seconds = time.monotonic() - started
        requests = {
            service: sent - requests_before.get(service, 0)
            for service, sent in requests_sent(self.retailcrm, self.moysklad).items()
        }
        rate_limited = {
            service: met - limited_before.get(service, 0)
            for service, met in requests_sent(self.retailcrm, self.moysklad, counter="rate_limited").items()
        }
        held = held and not cancelled and fatal is None
        ok = fatal is None and not cancelled and not held and ctx.errors == 0
        status = (
            "cancelled" if cancelled else "failed" if fatal else "held" if held
            else "partial" if (ctx.errors or conflicts) else "ok"
        )
        total = Counts()
        for c in counts.values():
            total.add(c)
        message = fatal or summary(total, conflicts, ctx.errors, dry_run, cancelled)
        if held:
            message = (f"Остановлено проверкой перед записью ({len(trips)} "
                       f"{'замечание' if len(trips) == 1 else 'замечания' if len(trips) < 5 else 'замечаний'}): "
                       f"{trips[0].message}")
        ctx.log(Level.ERROR if fatal else Level.WARNING if held else Level.INFO, None, message)
        ctx.flush_log_quietly()
        # the run itself is over; a full disk must not hide its result from the caller
        with contextlib.suppress(StoreError):
            runs.finish(
                run.id,
                status,
                counts=counts_json(counts),
                errors=ctx.errors,
                conflicts=conflicts,
                requests=requests,
                message=message,
            )
        return RunReport(
            ok=ok,
            dry_run=dry_run,
            status=status,
            counts=counts,
            conflicts=conflicts,
            errors=ctx.errors,
            requests=requests,
            seconds=seconds,
            cancelled=cancelled,
            run_id=run.id,
            message=message,
            plans=plans,
            safety=trips,
            held=held,
            crashed=crashed,
            rate_limited=rate_limited,
            stop_reason=stop_reason,
        )


@dataclass
class _Drained:
    fatal: str | None = None
    cancelled: bool = False
    crashed: bool = False
