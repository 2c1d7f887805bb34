"""``/api/v5/users`` and ``/api/v5/users/{id}`` (scope ``user_read``): the account's users, managers among them.

Shape from the official PHP client's recorded answers (retailcrm/api-client-php ``tests/src/ResourceGroup/
UsersTest.php`` testList / testGet; its model ``src/Model/Entity/Users/User.php``): ``{id, createdAt, active,
email, firstName, lastName?, patronymic?, status, online, isAdmin, isManager, groups: [{id, name, code}]}``; the
recorded user has ``firstName`` only, so ``lastName`` and ``patronymic`` appear when set. The list is paged
like every list (``limit`` 20/50/100, ``pagination``) and filtered by ``filter[…]`` as ``ApiUserFilter``
names them (``email``, ``active``, ``isManager``, ``isAdmin`` here); it has no ``ids`` filter.
"""

from __future__ import annotations

from typing import Any

from .. import listing as ls
from ..errors import not_found
from ..models import User
from ..router import Call, Reply, Router
from ..units import fmt_dt

USER_FILTERS = frozenset({"email", "active", "isManager", "isAdmin"})
USER_FILTERS_UNSUPPORTED = frozenset({"status", "online", "isPosManager", "groups", "createdAtFrom", "createdAtTo"})
_MANAGERS_GROUP = {"id": 25, "name": "Менеджеры", "code": "manager"}  # as in the recorded user's groups


def user_json(user: User) -> dict[str, Any]:
    row: dict[str, Any] = {"id": user.id, "createdAt": fmt_dt(user.created_at), "active": user.active}
    if user.email:
        row["email"] = user.email
    row["firstName"] = user.first_name
    if user.last_name:
        row["lastName"] = user.last_name
    if user.patronymic:
        row["patronymic"] = user.patronymic
    row.update({"status": "free", "online": False, "isAdmin": user.is_admin, "isManager": user.is_manager,
                "groups": [dict(_MANAGERS_GROUP)] if user.is_manager else []})
    return row


def register(router: Router) -> None:
    @router.add("GET", "/api/v5/users", "user_read")
    def users_list(call: Call) -> Reply:
        limit, page = ls.page_params(call)
        flt = ls.read_filter(call, USER_FILTERS, USER_FILTERS_UNSUPPORTED)
        email = ls.one_string(flt, "email")
        wanted = {key: ls.flag(flt, key) for key in ("active", "isManager", "isAdmin")}
        rows = []
        for user in sorted(call.db.users.values(), key=lambda u: u.id):
            have = {"active": user.active, "isManager": user.is_manager, "isAdmin": user.is_admin}
            if email is not None and user.email != email:
                continue
            if any(value is not None and have[key] != value for key, value in wanted.items()):
                continue
            rows.append(user)
        chunk, pagination = ls.paginate(rows, limit, page)
        return {"success": True, "pagination": pagination, "users": [user_json(u) for u in chunk]}

    @router.add("GET", "/api/v5/users/{uid}", "user_read")
    def users_get(call: Call) -> Reply:
        uid = call.path_params["uid"]
        user = call.db.users.get(int(uid)) if uid.isdigit() else None
        if user is None:
            raise not_found()
        return {"success": True, "user": user_json(user)}
