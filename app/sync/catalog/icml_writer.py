"""Writing an ICML file a piece at a time: UTF-8, escaped, atomic (a temp file renamed over the old one).

ICML is RetailCRM's extension of Yandex's YML (docs.simla.com/Developers/modules/ICML,
help.retailcrm.pro/Developers/ICML; /work/shared/docs/retailcrm-api.md §8, source "ICML"):

    <yml_catalog date="Y-m-d H:i:s"><shop><name/><company/>
      <categories><category id="2">…</category><category id="3" parentId="2">…</category></categories>
      <offers><offer id="115" productId="43" quantity="16">
        <price/> <purchasePrice/> <categoryId/> <name/> <xmlId/> <productName/>
        <param name="…" code="…">…</param> <vendor/> <unit code="…" name="…" sym="…"/> <barcode/>
      </offer></offers></shop></yml_catalog>

Offers are written as they come (``offer``), so 50,000 of them never sit in memory as XML. Nothing reaches the
target path until ``commit``: a reader (RetailCRM fetching the file over HTTP) sees the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape, quoteattr

# XML 1.0 forbids most control characters; a name pasted from a spreadsheet may carry one. They are dropped.
_FORBIDDEN = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}


def _text(value: str) -> str:
    return escape(value.translate(_FORBIDDEN), {'"': "&quot;"})


def _attr(value: str) -> str:
    return quoteattr(value.translate(_FORBIDDEN))


def money(value: Decimal) -> str:
    """Two decimals, a point, no grouping: ``number_format($x, 2, '.', '')`` as RetailCRM's own MoySklad
    generator writes prices (retailcrm/moysklad-catalog, MoySkladICMLParser.php, ``createICML``)."""
    return f"{value.quantize(Decimal('0.01')):f}"


@dataclass(frozen=True, slots=True)
class IcmlCategory:
    id: str
    name: str
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class IcmlUnit:
    code: str
    name: str
    sym: str


@dataclass(frozen=True, slots=True)
class IcmlOffer:
    id: str  # unique in the file; RetailCRM makes it the offer's externalId
    product_id: str  # the product's externalId; offers with the same one are one product's
    name: str
    product_name: str
    xml_id: str
    price: Decimal | None = None
    purchase_price: Decimal | None = None
    category_id: str | None = None
    params: tuple[tuple[str, str, str], ...] = ()  # (code, name, value)
    vendor: str | None = None
    unit: IcmlUnit | None = None
    barcodes: tuple[str, ...] = ()
    quantity: int | None = None


class IcmlWriter:
    """``with IcmlWriter(path, shop) as w: w.categories(...); w.offer(...); ...`` — the file appears at ``path``
    only when the block ends without an error (then ``offers_written`` says how many)."""

    def __init__(self, path: Path, shop_name: str, *, date: str, company: str | None = None) -> None:
        self.path = Path(path)
        self.shop_name = shop_name
        self.company = company or shop_name
        self.date = date
        self.offers_written = 0
        self._tmp: Path | None = None
        self._out: IO[str] | None = None
        self._in_offers = False

    def __enter__(self) -> IcmlWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._tmp = Path(name)
        self._out = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self._out.write(f"<yml_catalog date={_attr(self.date)}>\n<shop>\n")
        self._out.write(f"<name>{_text(self.shop_name)}</name>\n<company>{_text(self.company)}</company>\n")
        return self

    def categories(self, categories: Iterable[IcmlCategory]) -> None:
        """All categories, parents before children (write them before the first offer)."""
        out = self._writing()
        out.write("<categories>\n")
        for cat in categories:
            parent = f" parentId={_attr(cat.parent_id)}" if cat.parent_id else ""
            out.write(f"<category id={_attr(cat.id)}{parent}>{_text(cat.name)}</category>\n")
        out.write("</categories>\n")

    def offer(self, offer: IcmlOffer) -> None:
        out = self._writing()
        if not self._in_offers:
            out.write("<offers>\n")
            self._in_offers = True
        quantity = f" quantity={_attr(str(offer.quantity))}" if offer.quantity is not None else ""
        parts = [f"<offer id={_attr(offer.id)} productId={_attr(offer.product_id)}{quantity}>"]
        if offer.price is not None:
            parts.append(f"<price>{money(offer.price)}</price>")
        if offer.purchase_price is not None:
            parts.append(f"<purchasePrice>{money(offer.purchase_price)}</purchasePrice>")
        if offer.category_id:
            parts.append(f"<categoryId>{_text(offer.category_id)}</categoryId>")
        parts.append(f"<name>{_text(offer.name)}</name>")
        parts.append(f"<xmlId>{_text(offer.xml_id)}</xmlId>")
        parts.append(f"<productName>{_text(offer.product_name)}</productName>")
        for code, name, value in offer.params:
            parts.append(f"<param name={_attr(name)} code={_attr(code)}>{_text(value)}</param>")
        if offer.vendor:
            parts.append(f"<vendor>{_text(offer.vendor)}</vendor>")
        if offer.unit is not None:
            unit = offer.unit
            parts.append(f"<unit code={_attr(unit.code)} name={_attr(unit.name)} sym={_attr(unit.sym)}/>")
        for barcode in offer.barcodes:
            parts.append(f"<barcode>{_text(barcode)}</barcode>")
        parts.append("</offer>\n")
        out.write("".join(parts))
        self.offers_written += 1

    def _writing(self) -> IO[str]:
        if self._out is None:
            raise RuntimeError("IcmlWriter used outside its with block")
        return self._out

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        out, tmp = self._out, self._tmp
        self._out = None
        if out is None or tmp is None:
            return
        done = False
        try:
            if exc_type is None:
                if not self._in_offers:
                    out.write("<offers>\n")
                out.write("</offers>\n</shop>\n</yml_catalog>\n")
                out.flush()
                os.fsync(out.fileno())
            out.close()
            if exc_type is None:
                os.replace(tmp, self.path)  # atomic on one file system: the old file or the new one
                # mkstemp makes the file private (0600); RetailCRM must read it through a web server
                os.chmod(self.path, 0o644)
                done = True
        finally:
            if not done:
                out.close()
                tmp.unlink(missing_ok=True)
