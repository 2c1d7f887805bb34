"""The engine's orchestration: order, dry runs, failures sorted for the shop owner, Stop, what is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.clients.errors import ServiceUnavailable, SettingsError
from app.store import Database, SyncSettings
from app.sync.engine import RunContext, SyncEngine
from app.sync.model import Action, Callbacks, CancelToken, Change, Counts, Flow, FlowPlan, Level, SafetyPolicy
from app.sync.orders.work import OrdersStats
from app.sync.stock.work import StockStats


@dataclass
class ScriptedFlow:
    """A flow that plans one change and applies it, or raises what the test asks for."""

    flow: Flow
    calls: list[str]
    fail_with: Exception | None = None
    fail_in: str = "plan"
    cancel_on_apply: CancelToken | None = None
    seen_shared: list = field(default_factory=list)

    def plan(self, ctx: RunContext) -> FlowPlan:
        self.calls.append(f"plan:{self.flow.value}")
        self.seen_shared.extend(ctx.shared.retailcrm_status_groups or [])
        ctx.shared.retailcrm_status_groups = [*(ctx.shared.retailcrm_status_groups or []), self.flow.value]
        if self.fail_with is not None and self.fail_in == "plan":
            raise self.fail_with
        change = Change(self.flow, Action.UPDATE, "retailcrm", "thing", "SKU-1", f"{self.flow.title}: одно изменение")
        return FlowPlan(self.flow, changes=[change], counts=Counts(updated=1), notes=[f"заметка {self.flow.value}"])

    def apply(self, ctx: RunContext, plan: FlowPlan) -> Counts:
        self.calls.append(f"apply:{self.flow.value}")
        if self.cancel_on_apply is not None:
            self.cancel_on_apply.cancel()
        if self.fail_with is not None and self.fail_in == "apply":
            raise self.fail_with
        ctx.log(Level.INFO, self.flow, "применено", entity_ref="SKU-1")
        return Counts(updated=len(plan.changes))


@pytest.fixture
def db(tmp_path):
    database = Database.open(tmp_path / "svyazka.sqlite3")
    yield database
    database.close()


@pytest.fixture
def profile_id(db):
    return db.profiles.create(
        "Магазин", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token"
    ).id


def engine_with(db, profile_id, flows, cancel=None):
    return SyncEngine(db, profile_id, SyncSettings(), None, None, {f.flow: f for f in flows}, cancel=cancel)


def test_flows_run_in_order_and_the_run_is_recorded(db, profile_id):
    calls: list[str] = []
    flows = [ScriptedFlow(f, calls) for f in (Flow.ORDERS, Flow.CATALOG, Flow.STOCK)]
    report = engine_with(db, profile_id, flows).run([Flow.STOCK, Flow.ORDERS, Flow.CATALOG])
    assert calls == ["plan:catalog", "apply:catalog", "plan:stock", "apply:stock", "plan:orders", "apply:orders"]
    assert report.status == "ok" and report.ok
    assert flows[2].seen_shared == ["catalog"]  # later flows see what earlier ones shared (RunShared)
    run = db.runs(profile_id).get(report.run_id)
    assert run.status == "ok" and run.counts["catalog"]["updated"] == 1
    messages = [r.message for r in db.log(profile_id).query(run_id=report.run_id, limit=100)]
    assert "заметка stock" in messages and "применено" in messages
    assert any(m.startswith("Готово: создано 0, обновлено 3") for m in messages)


def test_dry_run_plans_but_never_applies(db, profile_id):
    calls: list[str] = []
    report = engine_with(db, profile_id, [ScriptedFlow(Flow.CATALOG, calls)]).run([Flow.CATALOG], dry_run=True)
    assert calls == ["plan:catalog"]
    assert report.dry_run and report.counts[Flow.CATALOG].updated == 1
    assert report.plans[Flow.CATALOG].changes[0].ref == "SKU-1"
    assert db.runs(profile_id).get(report.run_id).dry_run


def test_a_settings_problem_stops_the_whole_run(db, profile_id):
    calls: list[str] = []
    bad_key = SettingsError("retailcrm", "Неверный API-ключ RetailCRM. Вставьте ключ заново.", reason="bad_credentials")
    flows = [ScriptedFlow(Flow.CATALOG, calls, fail_with=bad_key), ScriptedFlow(Flow.STOCK, calls)]
    report = engine_with(db, profile_id, flows).run()
    assert calls == ["plan:catalog"]
    assert report.status == "failed" and not report.ok
    assert report.message == "Неверный API-ключ RetailCRM. Вставьте ключ заново."
    assert db.runs(profile_id).get(report.run_id).status == "failed"


def test_a_service_down_fails_only_its_flow(db, profile_id):
    calls: list[str] = []
    down = ServiceUnavailable("moysklad", "МойСклад не отвечает. Попробуйте позже.")
    flows = [ScriptedFlow(Flow.CATALOG, calls, fail_with=down, fail_in="apply"), ScriptedFlow(Flow.ORDERS, calls)]
    report = engine_with(db, profile_id, flows).run()
    assert calls == ["plan:catalog", "apply:catalog", "plan:orders", "apply:orders"]
    assert report.status == "partial" and report.errors == 1
    assert report.counts[Flow.CATALOG].failed == 1 and report.counts[Flow.ORDERS].updated == 1
    errors = db.log(profile_id).query(run_id=report.run_id, levels=["error"])
    assert [e.message for e in errors] == ["Каталог: поток прерван. МойСклад не отвечает. Попробуйте позже."]


def test_stop_ends_the_run_between_flows(db, profile_id):
    calls: list[str] = []
    cancel = CancelToken()
    flows = [ScriptedFlow(Flow.CATALOG, calls, cancel_on_apply=cancel), ScriptedFlow(Flow.STOCK, calls)]
    report = engine_with(db, profile_id, flows, cancel=cancel).run()
    assert calls == ["plan:catalog", "apply:catalog"]
    assert report.cancelled and report.status == "cancelled"
    assert db.runs(profile_id).get(report.run_id).status == "cancelled"


def test_a_flow_without_a_runner_is_skipped_with_a_warning(db, profile_id):
    report = engine_with(db, profile_id, []).run([Flow.PRICES])
    warnings = db.log(profile_id).query(run_id=report.run_id, levels=["warning"])
    assert any("Цены" in w.message for w in warnings)


@dataclass
class TrippingFlow(ScriptedFlow):
    """Plans what the safety check stops by default: 51 shipments (limit 50), or every stock value zeroed."""

    def plan(self, ctx: RunContext) -> FlowPlan:
        plan = super().plan(ctx)
        stock = StockStats(values_above_zero=100, values_zeroed=100)
        plan.stats = OrdersStats(shipments=51) if self.flow is Flow.ORDERS else stock
        return plan


def test_a_tripped_check_stops_that_flow_and_the_later_ones_and_the_run_is_held(db, profile_id):
    calls: list[str] = []
    flows = [ScriptedFlow(Flow.CATALOG, calls), TrippingFlow(Flow.STOCK, calls), ScriptedFlow(Flow.ORDERS, calls)]
    engine = engine_with(db, profile_id, flows)
    report = engine.run([Flow.CATALOG, Flow.STOCK, Flow.ORDERS], safety_policy=SafetyPolicy.REFUSE)
    assert calls == ["plan:catalog", "apply:catalog", "plan:stock"]
    assert report.held and report.status == "held" and not report.ok
    assert [t.guard for t in report.safety] == ["zeroed"]
    assert db.runs(profile_id).get(report.run_id).status == "held"
    warnings = [r.message for r in db.log(profile_id).query(run_id=report.run_id, levels=["warning"])]
    assert any("ни этот поток, ни следующие (Заказы) ничего не записали" in m for m in warnings), warnings


def test_stop_while_the_question_waits_is_a_stop_not_an_answer(db, profile_id):
    calls: list[str] = []
    cancel = CancelToken()

    def confirm(flow, trips) -> bool:
        cancel.cancel()  # the person pressed Stop instead of answering
        return True

    flows = [TrippingFlow(Flow.ORDERS, calls)]
    engine = SyncEngine(db, profile_id, SyncSettings(), None, None, {f.flow: f for f in flows},
                        callbacks=Callbacks(on_confirm=confirm), cancel=cancel)
    report = engine.run(trigger="manual")  # a run started by hand asks
    assert calls == ["plan:orders"] and report.cancelled and report.status == "cancelled"
