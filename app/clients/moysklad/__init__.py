"""MoySklad JSON API 1.2 over HTTP: typed reads, offset paging, batched idempotent writes. HTTP only.

* Auth: ``Authorization: Bearer <token>``; :meth:`MoySkladClient.obtain_token` trades a login and password
  for a token (which **revokes the user's other tokens**: see :data:`TOKEN_REVOKES_OTHERS_WARNING`).
* Headers: ``Accept: application/json;charset=utf-8`` and ``Accept-Encoding: gzip`` always (the service
  refuses anything else), ``Content-Type`` only with a body.
* Pacing: a mirror of the service's weighted 3-second bucket (45 units, 4 per request for a user token,
  5 for ``report/stock/all|bystore``), corrected and re-learned from every answer's rate-limit headers,
  plus at most 4 requests in flight. A 429 anyway is waited out as the service says.
* Paging: ``limit``/``offset`` computed here (``nextHref`` is never followed), 1000 rows a page, 100 when
  ``expand`` is asked (the service silently ignores expand on bigger pages).
* Creates always carry a ``syncId`` (the caller's or a fresh uuid4), so re-sending one after a dropped
  connection returns the entity created the first time instead of a duplicate: creates are retried.

Modules: :mod:`.core` (token, transport, references), :mod:`.reads` (account, references, paged lists),
:mod:`.stream` (big lists in parallel pages), :mod:`.documents` (writes), :mod:`.reports` (stock),
:mod:`.answers` (answers to data or errors), :mod:`.constants`, :mod:`.client` (the class put together).
The pacing gate is :class:`app.clients.pacing.MoySkladGate`, the streaming decoder :mod:`app.clients.json_stream`.
"""

from app.clients.moysklad.client import MoySkladClient
from app.clients.moysklad.constants import DEFAULT_BASE_URL, TOKEN_REVOKES_OTHERS_WARNING
from app.clients.moysklad.core import normalize_base_url, weight_class
from app.clients.pacing import MoySkladGate, MoySkladLimits

__all__ = [
    "DEFAULT_BASE_URL",
    "TOKEN_REVOKES_OTHERS_WARNING",
    "MoySkladClient",
    "MoySkladGate",
    "MoySkladLimits",
    "normalize_base_url",
    "weight_class",
]
