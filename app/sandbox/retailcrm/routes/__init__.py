"""One module per resource group; each exposes ``register(router)``."""

from __future__ import annotations

from ..router import Router
from . import customers, orders, references, store, system, users


def build_router() -> Router:
    router = Router()
    # order matters: literal paths (orders/history) before templates (orders/{uid})
    for module in (system, orders, customers, references, store, users):
        module.register(router)
    return router
