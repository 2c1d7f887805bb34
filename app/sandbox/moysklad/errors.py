"""MoySklad's error answers: ``{"errors":[{"error","code","moreInfo","parameter"?}]}`` with the right status.

Messages are the Russian texts of the official error table (``md/_errors.md`` of the docs repository), with
the ``{placeholders}`` filled in. Where the docs name no HTTP status for a code, the choice made here is
written next to the helper that raises it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.sandbox.core import Response

MORE_INFO = "https://dev.moysklad.ru/doc/api/remap/1.2/#error_{code}"


class ApiError(Exception):
    """An error the emulator answers with; raised anywhere below ``handle`` and turned into a response."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        parameter: str | None = None,
        headers: Mapping[str, str] | None = None,
        empty_body: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.headers = dict(headers or {})
        self.empty_body = empty_body

    def item(self) -> dict[str, Any]:
        """One element of the ``errors`` array."""
        entry: dict[str, Any] = {"error": self.message, "code": self.code}
        if self.parameter is not None:
            entry["parameter"] = self.parameter
        entry["moreInfo"] = MORE_INFO.format(code=self.code)
        return entry

    def body(self) -> dict[str, Any]:
        return {"errors": [self.item()]}

    def response(self) -> Response:
        if self.empty_body:
            return Response.empty(self.status, self.headers)
        return Response.json(self.body(), status=self.status, headers=self.headers)


# -- transport and auth ---------------------------------------------------------------------------------

def bad_accept() -> ApiError:
    return ApiError(
        400, 1062,
        "Неверное значение заголовка 'Accept'. Поддерживается только значение 'application/json;charset=utf-8'",
    )


def bad_content_type() -> ApiError:
    # 1037 has no documented status; a body format problem is what 415 means in the status table
    return ApiError(415, 1037, "Неверно указан Content-Type запроса")


AUTH_WRONG = "Ошибка аутентификации: Неправильный пароль или имя пользователя"
AUTH_FORMAT = (
    "Ошибка аутентификации: Неверный формат имени пользователя. Укажите свою учетную запись, "
    "например admin@romashka."
)


def auth_failed(message: str, lognex_code: str, english: str) -> ApiError:
    # X-Lognex-Auth carries an "extended auth error code"; its values are undocumented, so the emulator
    # uses <status><3 digits> like the parallel limit's 429005. Header values must be ASCII, hence English.
    return ApiError(
        401, 1056, message, headers={"X-Lognex-Auth": lognex_code, "X-Lognex-Auth-Message": english}
    )


def rate_limited(headers: Mapping[str, str]) -> ApiError:
    return ApiError(429, 1049, "Превышено ограничение на количество запросов в единицу времени", headers=headers)


def parallel_limited(headers: Mapping[str, str]) -> ApiError:
    return ApiError(429, 1073, "Превышено ограничение на одновременное количество запросов", headers=headers)


def locked_out(headers: Mapping[str, str]) -> ApiError:
    # The docs say a locked user needs a support ticket and name no code; 1061 ("no API access for this
    # user") is the documented code that fits, answered as 403.
    return ApiError(
        403, 1061,
        "Отсутствует доступ к API для данного пользователя - обратитесь к администратору аккаунта. "
        "Доступ заблокирован автоматически из-за превышения лимитов запросов",
        headers=headers,
    )


# -- routing ---------------------------------------------------------------------------------------------

def unknown_path(path: str) -> ApiError:
    return ApiError(404, 1002, f"Неопознанный путь: {path}")


def unknown_type(type_name: str) -> ApiError:
    return ApiError(404, 1005, f"Неизвестный тип: {type_name}")


def method_not_allowed(method: str) -> ApiError:
    return ApiError(405, 1039, f"Операция {method} не поддерживается для данного ресурса")


def not_found(type_name: str, entity_id: str, *, parameter: str | None = None) -> ApiError:
    return ApiError(
        404, 1021, f"Объект с типом '{type_name}' и идентификатором '{entity_id}' не найден", parameter=parameter
    )


def not_found_empty() -> ApiError:
    """DELETE of an unknown id: 404 with an empty body and no Content-Type (OAS NotFoundEmpty)."""
    return ApiError(404, 1021, "", empty_body=True)


# -- query parameters ------------------------------------------------------------------------------------

def bad_parameter(name: str, detail: str) -> ApiError:
    # limit/offset/changedSince: the docs leave the code open; 1040 "Неверно заданы параметры запроса"
    return ApiError(400, 1040, f"Неверно заданы параметры запроса: {detail}", parameter=name)


def filter_error(detail: str) -> ApiError:
    return ApiError(400, 1034, f"Ошибка фильтрации: {detail}")


def filter_value(value: str, name: str) -> ApiError:
    return ApiError(400, 1014, f"Неверное значение '{value}' параметра фильтрации '{name}'")


def filter_enum(value: str, name: str, allowed: str) -> ApiError:
    return ApiError(
        400, 1041,
        f"Неверное значение '{value}' параметра фильтрации '{name}', допустимые значения: '{allowed}'",
    )


def filter_date() -> ApiError:
    return ApiError(400, 1035, "Ошибка фильтрации: неверный формат даты параметра фильтрации")


def order_field(field: str) -> ApiError:
    return ApiError(
        400, 1063, f"Ошибка сортировки: неизвестное поле '{field}' или сортировка для данного поля не поддерживается"
    )


def order_direction(value: str, field: str) -> ApiError:
    return ApiError(
        400, 1042,
        f"Неверное значение '{value}' параметра сортировки '{field}', допустимые значения: 'asc, desc'",
    )


def expand_unsupported(path: str) -> ApiError:
    return ApiError(400, 1089, f"Expand поля {path} не поддерживается")


def incompatible_parameter(name: str) -> ApiError:
    return ApiError(400, 1069, f"Ошибка запроса: несовместимые параметры запроса: '{name}'", parameter=name)


# -- request bodies --------------------------------------------------------------------------------------

def bad_json() -> ApiError:
    return ApiError(400, 2001, "Ошибка формата: входящий запрос не соответствует формату JSON")


def no_objects() -> ApiError:
    return ApiError(400, 1027, "Запрос не содержит объектов")


def object_expected() -> ApiError:
    return ApiError(400, 2000, "Ошибка формата: отсутствует начало объекта")


def array_not_allowed() -> ApiError:
    return ApiError(
        400, 2009, "Ошибка формата: запрос на создание/обновление одной сущности не должен содержать массив"
    )


def too_many_items() -> ApiError:
    return ApiError(413, 2007, "Ошибка формата: слишком большое число вложенных объектов")


def too_many_nested(field: str) -> ApiError:
    return ApiError(413, 2022, "Ошибка формата: слишком большое число элементов вложенной коллекции",
                    parameter=field)


def wrong_type(field: str, type_label: str) -> ApiError:
    return ApiError(
        400, 2016, f"Ошибка формата: значение поля '{field}' не соответствует типу {type_label}", parameter=field
    )


def meta_missing(field: str) -> ApiError:
    return ApiError(400, 2014, f"Ошибка формата: отсутствует meta для поля '{field}'", parameter=field)


def href_missing(field: str) -> ApiError:
    return ApiError(400, 2010, f"Ошибка формата: отсутствует href для meta поля '{field}'", parameter=field)


def meta_type_missing(field: str) -> ApiError:
    return ApiError(400, 2011, f"Ошибка формата: отсутствует type для meta поля '{field}'", parameter=field)


def bad_href(field: str) -> ApiError:
    return ApiError(
        400, 2013, f"Ошибка формата: неправильное значение href для meta поля '{field}'", parameter=field
    )


def meta_type_mismatch(field: str) -> ApiError:
    return ApiError(400, 1060, "Некорректный тип данных в meta сущности, поле type", parameter=field)


def wrong_ref_type(field: str, got: str, allowed: tuple[str, ...]) -> ApiError:
    return ApiError(
        400, 2027,
        f"Ошибка формата: href указывает на сущность неправильного типа '{got}', "
        f"допустимые значения: '{', '.join(allowed)}'",
        parameter=field,
    )


def enum_value(field: str, value: str, allowed: tuple[str, ...]) -> ApiError:
    return ApiError(
        400, 2029,
        f"Ошибка формата: неверное значение '{value}' поля '{field}'. Допустимые значения: {', '.join(allowed)}",
        parameter=field,
    )


def bad_uuid(field: str) -> ApiError:
    return ApiError(400, 1052, "Неверный формат UUID", parameter=field)


def sync_id_change() -> ApiError:
    return ApiError(400, 1047, "Вы не можете обновить поле syncId в запросе на обновление сущности",
                    parameter="syncId")


# -- validation (412, verified for 3000 against a real server by the official Java SDK's tests) ----------

def required(field: str) -> ApiError:
    return ApiError(
        412, 3000, f"Ошибка сохранения объекта: поле '{field}' не может быть пустым или отсутствовать",
        parameter=field,
    )


def negative(field: str) -> ApiError:
    return ApiError(412, 3002, f"Ошибка сохранения объекта: поле '{field}' не может иметь отрицательное значение",
                    parameter=field)


def not_unique(field: str) -> ApiError:
    return ApiError(412, 3006, f"Ошибка сохранения объекта: нарушено ограничение уникальности параметра '{field}'",
                    parameter=field)


def bad_email(value: str) -> ApiError:
    return ApiError(412, 3015, f"Ошибка валидации: Ошибка валидации: некорректный адрес E-mail: '{value}'",
                    parameter="email")


def too_long(field: str, limit: int) -> ApiError:
    return ApiError(412, 3016, f"Ошибка валидации: Поле '{field}' должно соответствовать формату 'не длиннее {limit} "
                    "символов'", parameter=field)


def reserve_over_quantity() -> ApiError:
    # 17003 is documented without its status; a business-rule violation is a 412 like the other 3xxx
    return ApiError(412, 17003, "Ошибка сохранения объекта: резерв позиции не может превышать ее количество",
                    parameter="reserve")


def in_use(type_name: str) -> ApiError:
    return ApiError(409, 1028, f"Объект уже используется и не может быть удален ({type_name})")


def template_unsupported(type_name: str) -> ApiError:
    return ApiError(400, 1029, f"Шаблоны для типа '{type_name}' не поддерживаются")


def server_error() -> ApiError:
    return ApiError(500, 1999, "Неизвестная ошибка")


def unavailable() -> ApiError:
    return ApiError(503, 1074, "Сервис временно недоступен, ведутся технические работы")
