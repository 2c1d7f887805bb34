"""Who and where: organization (юрлицо), counterparty (контрагент), store (склад), employee, group."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from app.sandbox.moysklad.entities.base import EntityKind, Record, RenderContext, common_filters
from app.sandbox.moysklad.fields import ADDRESS, BOOL, EMAIL, STRING, STRLIST, TEXT, FieldSpec, enum, ref
from app.sandbox.moysklad.filters import FilterField
from app.sandbox.moysklad.query import ExpandTree
from app.sandbox.moysklad.refs import collection_meta

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

COMPANY_TYPES = ("legal", "entrepreneur", "individual", "legalUZ", "entrepreneurUZ", "individualUZ",
                 "legalKZ", "entrepreneurKZ", "individualKZ")


def _empty_collection(ctx: RenderContext, record: Record, kind: str, sub: str, type_name: str) -> dict[str, Any]:
    return {"meta": collection_meta(ctx.base, f"entity/{kind}/{record['id']}/{sub}", type_name, 0)}


class GroupKind(EntityKind):
    name = "group"
    owned = False
    creatable = False
    deletable = False
    filters: ClassVar[dict[str, FilterField]] = {"id": FilterField("uuid"), "name": FilterField("string")}

    def new_record(self, state: MoySkladState) -> Record:
        entity_id = state.new_id()
        return {"_ref": self.make_ref(entity_id), "id": entity_id, "accountId": state.account_id}


class EmployeeKind(EntityKind):
    name = "employee"
    archivable = True
    creatable = False
    deletable = False
    fields: ClassVar[dict[str, FieldSpec]] = {
        "externalCode": STRING, "description": TEXT, "email": EMAIL, "phone": STRING, "firstName": STRING,
        "middleName": STRING, "lastName": STRING, "position": STRING, "inn": STRING, "archived": BOOL,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "email": FilterField("string"),
        "uid": FilterField("string"), "externalCode": FilterField("string"), "archived": FilterField("bool"),
    }
    search_fields = ("name", "email", "uid")


class OrganizationKind(EntityKind):
    name = "organization"
    archivable = True
    sync_id = True
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT, "archived": BOOL,
        "companyType": enum(*COMPANY_TYPES), "legalTitle": FieldSpec("string", max_len=4096),
        "legalAddress": STRING, "legalAddressFull": ADDRESS, "actualAddress": STRING, "actualAddressFull": ADDRESS,
        "inn": STRING, "kpp": STRING, "ogrn": STRING, "okpo": STRING, "email": EMAIL, "phone": STRING,
        "shared": BOOL, "payerVat": BOOL,  # OAS organization.payerVat: "Является ли данное юрлицо плательщиком НДС"
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "inn": FilterField("string"), "kpp": FilterField("string"),
        "legalTitle": FilterField("string"), "email": FilterField("string"), "phone": FilterField("string"),
        "archived": FilterField("bool"), "created": FilterField("datetime"),
    }
    search_fields = ("name", "code", "legalTitle", "inn")

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("archived", False)
            record.setdefault("companyType", "legal")
            record.setdefault("created", record["updated"])

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["accounts"] = _empty_collection(ctx, record, "organization", "accounts", "account")


class StoreKind(EntityKind):
    name = "store"
    archivable = True
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT, "archived": BOOL,
        "address": STRING, "addressFull": ADDRESS, "parent": ref("store"), "shared": BOOL,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "address": FilterField("string"), "archived": FilterField("bool"),
        "description": FilterField("string"), "parent": FilterField("ref"),
        "pathName": FilterField("string", getter=lambda state, r: store_path(state, r)),
    }
    search_fields = ("name", "code", "address")
    expandable = frozenset({"parent", "owner", "group"})

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("archived", False)
            record.setdefault("address", "")

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["pathName"] = store_path(ctx.state, record)
        out["zones"] = _empty_collection(ctx, record, "store", "zones", "storezone")
        out["slots"] = _empty_collection(ctx, record, "store", "slots", "slot")

    def before_delete(self, state: MoySkladState, record: Record) -> None:
        state.refuse_if_referenced(record, "store")


def store_path(state: MoySkladState, record: Record) -> str:
    names: list[str] = []
    parent = record.get("parent")
    seen: set[str] = set()
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        target = state.lookup(parent)
        if target is None:
            break
        names.append(target["name"])
        parent = target.get("parent")
    return "/".join(reversed(names))


_DIGITS = re.compile(r"\D+")


class CounterpartyKind(EntityKind):
    name = "counterparty"
    archivable = True
    sync_id = True
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT, "archived": BOOL,
        "companyType": enum(*COMPANY_TYPES), "email": EMAIL, "phone": STRING, "fax": STRING,
        "actualAddress": STRING, "actualAddressFull": ADDRESS, "legalAddress": STRING, "legalAddressFull": ADDRESS,
        "inn": STRING, "kpp": STRING, "ogrn": STRING, "ogrnip": STRING, "okpo": STRING,
        "legalTitle": FieldSpec("string", max_len=4096), "legalFirstName": STRING, "legalLastName": STRING,
        "legalMiddleName": STRING, "tags": STRLIST, "discountCardNumber": STRING, "shared": BOOL,
        "priceType": ref("pricetype"), "sex": enum("MALE", "FEMALE"),
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "email": FilterField("string"), "phone": FilterField("string"),
        "inn": FilterField("string"), "kpp": FilterField("string"), "legalTitle": FilterField("string"),
        "description": FilterField("string"), "companyType": FilterField("enum", values=COMPANY_TYPES),
        "tags": FilterField("strlist", sortable=False), "archived": FilterField("bool"),
        "created": FilterField("datetime"), "syncId": FilterField("uuid"), "owner": FilterField("ref"),
        "discountCardNumber": FilterField("string"), "actualAddress": FilterField("string"),
    }
    search_fields = ("name", "code", "legalTitle", "email", "phone", "inn", "discountCardNumber")
    expandable = frozenset({"owner", "group", "priceType"})

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("archived", False)
            record.setdefault("companyType", "legal")
            record.setdefault("created", record["updated"])
        if "tags" in record:
            record["tags"] = sorted({tag.lower() for tag in record["tags"]})  # groups are stored lower-case

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["salesAmount"] = 0.0
        out["accounts"] = _empty_collection(ctx, record, "counterparty", "accounts", "account")
        out["contactpersons"] = _empty_collection(ctx, record, "counterparty", "contactpersons", "contactperson")
        out["notes"] = _empty_collection(ctx, record, "counterparty", "notes", "note")

    def search_text(self, record: Record) -> Iterable[str]:
        yield from super().search_text(record)
        phone = record.get("phone")
        if isinstance(phone, str):
            yield _DIGITS.sub("", phone)  # a phone is found by its digits however it was typed

    def before_delete(self, state: MoySkladState, record: Record) -> None:
        state.refuse_if_referenced(record, "agent")

    def metadata(self, ctx: RenderContext) -> dict[str, Any]:
        result = super().metadata(ctx)
        result["states"] = []
        result["tags"] = sorted({t for r in ctx.state.table("counterparty").values() for t in r.get("tags", ())})
        return result
