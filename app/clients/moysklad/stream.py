"""Big MoySklad lists read fast and small: 1000-row pages requested a few at once, each page's rows decoded
one at a time from its text (:class:`app.clients.json_stream.ListAnswer`) and handed to a transform.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from app.clients.json_stream import ListAnswer
from app.clients.moysklad.constants import MAX_EXPAND_PAGE, MAX_PAGE, SERVICE
from app.clients.moysklad.core import MoySkladCore
from app.clients.moysklad_filter import Filter
from app.clients.moysklad_models import CatalogRow, TextPool

R = TypeVar("R")


class MoySkladPages(MoySkladCore):
    """Parallel paged reads of big lists (the catalog)."""

    def map_pages(
        self,
        path: str,
        transform: Callable[[Iterable[dict[str, Any]]], R],
        *,
        filters: Filter | str | None = None,
        parallel: int = 3,
        params: Sequence[tuple[str, str]] = (),
        page_size: int = MAX_PAGE,
    ) -> Iterator[R]:
        """``transform(rows)`` of every 1000-row page of a list, in page order, with up to ``parallel`` pages
        requested at once.

        A page of 1000 products takes the service a good part of a second to build, longer than the rate limit
        makes us wait between two requests; asked one after another, a big catalog would be read at the
        service's speed instead of at the rate limit. The first page tells the size; the other offsets are then
        requested by ``parallel`` worker threads (the gate still keeps the bucket and the in-flight limit).
        ``transform`` runs in the worker and gets the page's rows one at a time, each decoded from the answer's
        text as it is asked for (:class:`~app.clients.json_stream.ListAnswer`): a 1000-row page is never a
        parsed tree of a million objects, and at most ``parallel`` transformed pages wait for the caller, so
        memory stays that of a few pages' text however big the list. Closing the iterator early cancels the
        pages not yet asked for.
        """
        extra = list(params)
        filter_text = filters.render() if isinstance(filters, Filter) else filters
        if filter_text:
            extra.append(("filter", filter_text))
        endpoint = f"GET {path}"

        def fetch(offset: int) -> tuple[R, ListAnswer]:
            query = [("limit", str(page_size)), ("offset", str(offset)), *extra]
            answer = ListAnswer(self._get(path, query, endpoint=endpoint, raw=True), path, service=SERVICE)
            result = transform(answer.rows())
            answer.finish()  # the rest of the answer (its meta may follow the rows)
            return result, answer

        first, answer = fetch(0)
        size = answer.size
        yield first
        del first
        if answer.count < page_size:
            return
        if size is None:  # a list that does not tell its size: one page after another until a short one
            offset = page_size
            while True:
                result, answer = fetch(offset)
                yield result
                if answer.count < page_size:
                    return
                offset += page_size
        offsets = list(range(page_size, size, page_size))
        if not offsets:
            return

        def job(offset: int) -> R:
            return fetch(offset)[0]

        workers = max(1, min(parallel, len(offsets)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="svyazka-moysklad-pages") as pool:
            pending: deque[Future[R]] = deque()
            queue = iter(offsets)
            try:
                for offset in itertools.islice(queue, workers):
                    pending.append(pool.submit(job, offset))
                while pending:
                    result = pending.popleft().result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.append(pool.submit(job, nxt))
                    yield result
            finally:
                for future in pending:
                    future.cancel()

    def catalog_pages(
        self,
        entity: str,
        *,
        filters: Filter | str | None = None,
        parallel: int = 2,
        pool: TextPool | None = None,
    ) -> Iterator[list[CatalogRow]]:
        """Every ``product``, ``variant``, ``service`` or ``bundle`` as :class:`CatalogRow` (parsed fields, no
        JSON), a page at a time, pages read ``parallel`` at once (:meth:`map_pages`). ``pool`` shares repeated
        texts across pages.

        Bundles come with their components (``expand=components``), which MoySklad honours only on pages of at
        most 100 rows (moysklad-api.md §4, "Expand only works when the page size is ≤ 100"): one request per
        100 bundles, never one per bundle."""
        share = pool or TextPool()

        def rows_of(page: Iterable[dict[str, Any]]) -> list[CatalogRow]:
            return [CatalogRow.from_api(row, entity, share) for row in page]

        if entity == "bundle":
            return self.map_pages(f"entity/{entity}", rows_of, filters=filters, parallel=parallel,
                                  params=(("expand", "components"),), page_size=MAX_EXPAND_PAGE)
        return self.map_pages(f"entity/{entity}", rows_of, filters=filters, parallel=parallel)
