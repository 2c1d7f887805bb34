"""``/api/v5/users`` and ``/api/v5/users/{id}``: the seeded managers (the ids the orders carry) in the shape the
official PHP client recorded (UsersTest testList / testGet), paged, filtered, and refused without ``user_read``."""

from __future__ import annotations

from typing import Any

from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.retailcrm.seeding import MANAGERS
from app.sandbox.shapes import differences

from .conftest import Api

# the user of retailcrm/api-client-php tests/src/ResourceGroup/UsersTest.php (testList, testGet)
RECORDED_USER: dict[str, Any] = {
    "id": 28, "createdAt": "2020-05-25 12:49:00", "active": True, "email": "programmer@retailcrm.ru",
    "firstName": "programmer", "status": "free", "online": True, "isAdmin": True, "isManager": True,
    "groups": [{"id": 25, "name": "Менеджеры", "code": "manager"}, {"id": 26, "name": "Руководители",
                                                                       "code": "director"}],
    "mgUserId": 305, "senderEmail": "test@example.com", "senderName": "test",
}
# fields of the PHP model (src/Model/Entity/Users/User.php) the recorded user leaves out
MODEL_ONLY = {"lastName", "patronymic"}


def test_every_manager_of_the_orders_is_a_user(api: Api, emulator: RetailCrmEmulator) -> None:
    answer = api.get("/api/v5/users", {"limit": 100}).json()

    assert answer["success"] and answer["pagination"]["totalCount"] == len(answer["users"])
    by_id = {u["id"]: u for u in answer["users"]}
    assert set(MANAGERS) <= set(by_id)
    managers = {o["managerId"] for o in emulator.state.orders() if o.get("managerId")}
    assert managers <= set(by_id)
    assert by_id[7]["lastName"] == "Смирнова" and by_id[7]["firstName"] == "Ольга"
    assert "lastName" not in by_id[12]  # a user with a first name only, as the recorded one
    one = api.get("/api/v5/users/9").json()
    assert one["success"] and one["user"] == by_id[9]


def test_the_shape_is_the_recorded_one(api: Api) -> None:
    users = api.get("/api/v5/users", {"limit": 100}).json()["users"]
    ours = [{k: v for k, v in u.items() if k not in MODEL_ONLY} for u in users]

    assert not differences(RECORDED_USER, ours[0], allow={"mgUserId": "no MessageGateway here",
                                                         "senderEmail": "not set", "senderName": "not set"})
    assert all(set(u) - MODEL_ONLY <= set(RECORDED_USER) for u in users)


def test_paged_filtered_missing_and_refused(api: Api, emulator: RetailCrmEmulator, make_api: Any) -> None:
    extra = emulator.state.add_user("Пётр", "Сидоров", is_manager=False, active=False)

    page = api.get("/api/v5/users", {"limit": 20, "page": 1}).json()
    assert page["pagination"]["totalCount"] == len(MANAGERS) + 1
    inactive = api.get("/api/v5/users", {"filter[active]": "0"}).json()["users"]
    assert [u["id"] for u in inactive] == [extra]
    assert api.get("/api/v5/users", {"limit": 30}).status_code == 400
    assert api.get("/api/v5/users/999999").status_code == 404

    emulator.state.add_api_key("no-users-key", scopes=["order_read", "reference_read"])
    refused = make_api("no-users-key").get("/api/v5/users")
    assert refused.status_code == 403 and refused.json()["errorMsg"] == "Access denied."
