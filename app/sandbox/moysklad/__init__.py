"""A local, stateful emulator of the MoySklad JSON API 1.2 (``/api/remap/1.2``).

Serve it with :class:`app.sandbox.core.EmulatorServer`; read and change its data through
``MoySkladEmulator.state`` (:class:`~app.sandbox.moysklad.state.MoySkladState`). It reproduces the real
service's gates (gzip, Accept, auth), limits (weighted bucket, parallel, lock-out), lists (paging, expand,
filters, order, search), entities, documents, batches, ``syncId`` idempotency and stock reports; the module
docstrings say where the docs were silent and which choice was made.
"""

from app.sandbox.moysklad.emulator import MoySkladEmulator
from app.sandbox.moysklad.limits import Weights

__all__ = ["MoySkladEmulator", "Weights"]
