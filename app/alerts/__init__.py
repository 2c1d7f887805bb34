"""Alerts about the sync: e-mail and Telegram, once per problem, «решено» when it is gone, a daily digest.

Qt-free: the CLI and the window's sync worker both call :func:`evaluate_after_run` with a run's final report.
"""

from app.alerts.config import AlertSettings
from app.alerts.service import Delivery, evaluate_after_run, send_test

__all__ = ["AlertSettings", "Delivery", "evaluate_after_run", "send_test"]
