"""Route table and the per-request context handlers receive.

A route is (method, path template, scope, handler). The first template that matches a path owns it: a
matching template with another method answers 405, no template at all answers 404 "API method not found".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.sandbox.core import Request

from .config import RetailCrmConfig
from .database import Actor, Database
from .errors import ApiError, access_denied, entity_error, missing_param
from .models import ApiKeyRecord

Reply = dict[str, Any] | tuple[dict[str, Any], int]
Handler = Callable[["Call"], Reply]

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Call:
    """Everything a handler needs; ``params`` merges the query and (for POST) the form body."""

    request: Request
    params: dict[str, Any]
    path_params: dict[str, str]
    key: ApiKeyRecord
    db: Database
    config: RetailCrmConfig

    @property
    def actor(self) -> Actor:
        return Actor("api", api_key_id=self.key.id)

    @property
    def host(self) -> str:
        return self.request.header("host") or "127.0.0.1"

    def param(self, name: str) -> Any:
        return self.params.get(name)

    def text_param(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ApiError(400, "Errors in the input parameters", {name: "This value should be a string."})
        return value

    def json_field(self, name: str, *, required: bool = True) -> Any:
        """A form field that carries JSON (``order=<json>``). Missing -> ``Parameter 'x' is missing``."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            if required:
                raise missing_param(name)
            return None
        if not isinstance(raw, str):
            raise entity_error(
                {name: f"The '{name}' parameter must be a JSON string, not form fields like {name}[...]."},
                message=f"Parameter '{name}' must contain valid JSON",
            )
        try:
            return json.loads(raw, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise entity_error(
                {name: f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."},
                message=f"Parameter '{name}' must contain valid JSON",
            ) from exc

    def json_object(self, name: str) -> dict[str, Any]:
        value = self.json_field(name)
        if isinstance(value, list) and not value:
            value = {}
        if not isinstance(value, dict):
            raise entity_error({name: "This value should be a JSON object."})
        return value

    # --- sites ------------------------------------------------------------------------------------
    def visible_sites(self) -> list[str]:
        if self.key.sites is None:
            return list(self.db.sites)
        return [s for s in self.db.sites if s in self.key.sites]

    def can_see(self, site: str) -> bool:
        return self.key.sites is None or site in self.key.sites

    def site_for_write(self, explicit: Any = None) -> str:
        """The site a create goes to: the ``site`` parameter, else the body's, else the only visible one."""
        site = self.text_param("site") or (explicit if isinstance(explicit, str) and explicit else None)
        if site is None:
            visible = self.visible_sites()
            if len(visible) == 1:
                return visible[0]
            raise missing_param("site")
        if site not in self.db.sites:
            raise entity_error({"site": f'Site "{site}" does not exist.'})
        if not self.can_see(site):
            raise access_denied()
        return site

    def by(self) -> str:
        by = self.params.get("by", "externalId")
        if by not in ("id", "externalId"):
            raise ApiError(400, "Errors in the input parameters",
                           {"by": 'The value must be "id" or "externalId".'})
        return str(by)


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    scope: str | None  # None: any valid key
    handler: Handler
    regex: re.Pattern[str] = field(compare=False)

    @property
    def legacy_path(self) -> str:
        """The path as the deprecated ``credentials`` list names it (``/api/reference/sites``)."""
        return self.template.replace("/api/v5/", "/api/")


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, scope: str | None) -> Callable[[Handler], Handler]:
        pattern = "^" + _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(template).replace(
            r"\{", "{").replace(r"\}", "}")) + "$"
        regex = re.compile(pattern)

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method, template, scope, handler, regex))
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]] | list[str] | None:
        """(route, path params), or the allowed methods when only the method is wrong, or None."""
        owner: str | None = None
        allowed: list[str] = []
        for route in self.routes:
            match = route.regex.match(path)
            if match is None:
                continue
            if owner is None:
                owner = route.template
            if route.template != owner:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, match.groupdict()
            allowed.append(route.method)
        return allowed or None
