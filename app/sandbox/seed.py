"""A deterministic, realistic small shop that both emulators load, so their data fits together.

The same seed and the same "now" always give the same shop. Every date is counted back from that "now" (the
sandbox's clock when it starts, or a moment a test chooses), never from a fixed day, so a fresh shop has
orders from today, from last week and from last year whatever the calendar says.

The catalog lives in MoySklad; most of it is also in RetailCRM's catalog (same articles, xmlId = MoySklad
externalCode), with a few deliberate flaws a real shop has, so the demo and the tests meet them:

* duplicate articles on each side (a copied product in MoySklad, a copied offer in RetailCRM);
* items only in MoySklad (new arrivals) and only in RetailCRM (discontinued);
* an article that differs only by case and surrounding spaces (must still match);
* RetailCRM order statuses with no obvious MoySklad state (must show up as unmapped);
* customers that already exist in MoySklad as counterparties, found by INN, e-mail or phone written
  differently, and one phone shared by two counterparties (ambiguous).

Everything is plain frozen dataclasses; generating 100,000 products takes a few seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.sandbox.clock import moscow_now

# How long ago the older orders were placed, in days: from last week to a year and a half back. None lies near
# 30 days, the default window of a first sync, so whether an older order falls inside it never depends on the
# minute a test runs (the recent ones are all within the last days, see generate_shop).
_OLD_ORDER_AGES = (8, 12, 18, 25, 40, 60, 90, 130, 200, 300, 420, 540)


@dataclass(frozen=True, slots=True)
class SeedStore:
    key: str
    ms_name: str
    rc_code: str
    rc_name: str
    address: str


@dataclass(frozen=True, slots=True)
class SeedPriceType:
    key: str
    ms_name: str
    rc_code: str
    rc_name: str
    markup: float  # share of the base price (1.0 = base)


@dataclass(frozen=True, slots=True)
class SeedFolder:
    key: str
    name: str
    parent_key: str | None
    external_code: str


@dataclass(frozen=True, slots=True)
class SeedVariant:
    key: str
    code: str
    external_code: str
    characteristics: tuple[tuple[str, str], ...]
    sale_prices: tuple[tuple[str, int], ...]  # (price type key, kopecks)
    buy_price: int  # kopecks
    barcode: str


@dataclass(frozen=True, slots=True)
class SeedProduct:
    key: str
    name: str
    article: str
    code: str
    external_code: str
    folder_key: str
    sale_prices: tuple[tuple[str, int], ...]  # (price type key, kopecks)
    buy_price: int  # kopecks
    barcode: str
    weight: float  # kg
    vat: int
    variants: tuple[SeedVariant, ...] = ()
    in_moysklad: bool = True
    in_retailcrm: bool = True
    rc_article: str | None = None  # the article as typed in RetailCRM when it differs (case/spaces)


@dataclass(frozen=True, slots=True)
class SeedOffer:
    """A sellable unit: a product without variants, or one variant."""

    key: str
    product_key: str
    variant_key: str | None
    name: str
    article: str  # RetailCRM article: product article, or the variant's code
    xml_id: str  # MoySklad externalCode, "product#variant" for variants
    barcode: str
    sale_prices: tuple[tuple[str, int], ...]
    buy_price: int
    in_moysklad: bool
    in_retailcrm: bool


@dataclass(frozen=True, slots=True)
class SeedStatus:
    code: str
    name: str
    group: str
    ordering: int
    active: bool = True


@dataclass(frozen=True, slots=True)
class SeedState:
    name: str
    state_type: str  # Regular | Successful | Unsuccessful
    color: int


@dataclass(frozen=True, slots=True)
class SeedCustomer:
    key: str
    first_name: str
    last_name: str
    patronymic: str
    phone: str
    email: str
    inn: str | None
    company: str | None


@dataclass(frozen=True, slots=True)
class SeedCounterparty:
    """A counterparty that already exists in MoySklad before any sync."""

    key: str
    name: str
    inn: str | None
    email: str | None
    phone: str | None
    company_type: str  # legal | entrepreneur | individual


@dataclass(frozen=True, slots=True)
class SeedOrderItem:
    offer_key: str
    quantity: int
    price: int  # kopecks, unit price
    discount: int = 0  # kopecks per unit


@dataclass(frozen=True, slots=True)
class SeedOrder:
    key: str
    number: str
    site: str
    status: str
    customer_key: str
    items: tuple[SeedOrderItem, ...]
    delivery_code: str
    delivery_cost: int  # kopecks
    address: str
    city: str
    created_at: datetime
    shipment_store: str  # RetailCRM store code
    comment: str


@dataclass(frozen=True)
class Shop:
    seed: int
    site_code: str
    site_name: str
    organization_name: str
    organization_inn: str
    stores: tuple[SeedStore, ...]
    price_types: tuple[SeedPriceType, ...]
    folders: tuple[SeedFolder, ...]
    products: tuple[SeedProduct, ...]
    statuses: tuple[SeedStatus, ...]
    status_groups: tuple[tuple[str, str, int], ...]  # (code, name, ordering)
    states: tuple[SeedState, ...]
    customers: tuple[SeedCustomer, ...]
    counterparties: tuple[SeedCounterparty, ...]
    orders: tuple[SeedOrder, ...]
    epoch: datetime  # the shop's "now" (naive Moscow time): every seeded date lies before it
    stock: dict[tuple[str, str], int]  # (offer key, store key) -> quantity on hand in MoySklad
    delivery_types: tuple[tuple[str, str, int], ...]  # (code, name, default cost kopecks)
    payment_types: tuple[tuple[str, str], ...]
    order_methods: tuple[tuple[str, str], ...]
    anomalies: dict[str, list[str]] = field(default_factory=dict)

    def offers(self) -> list[SeedOffer]:
        """Every sellable unit, in catalog order."""
        return offers_of(self.products)

    def offer_index(self) -> dict[str, SeedOffer]:
        return {o.key: o for o in self.offers()}


# --- vocabularies -------------------------------------------------------------------------------------

_FOLDERS: tuple[tuple[str, str | None], ...] = (
    ("Одежда", None),
    ("Футболки", "Одежда"),
    ("Худи и свитшоты", "Одежда"),
    ("Обувь", None),
    ("Дом и кухня", None),
    ("Посуда", "Дом и кухня"),
    ("Текстиль", "Дом и кухня"),
    ("Электроника", None),
    ("Канцтовары", None),
    ("Косметика", None),
)

# (folder, name template, article prefix, base price roubles, variant axes)
_TEMPLATES: tuple[tuple[str, str, str, int, str], ...] = (
    ("Футболки", "Футболка хлопковая «{w}»", "TSH", 1290, "size-color"),
    ("Футболки", "Футболка оверсайз «{w}»", "TOV", 1590, "size-color"),
    ("Худи и свитшоты", "Худи с капюшоном «{w}»", "HUD", 3490, "size-color"),
    ("Худи и свитшоты", "Свитшот флисовый «{w}»", "SWT", 2790, "size"),
    ("Обувь", "Кроссовки беговые «{w}»", "SNK", 5990, "shoe"),
    ("Обувь", "Кеды городские «{w}»", "KED", 3990, "shoe"),
    ("Посуда", "Кружка керамическая «{w}», 350 мл", "MUG", 490, ""),
    ("Посуда", "Тарелка обеденная «{w}», 26 см", "PLT", 650, ""),
    ("Посуда", "Чайник заварочный «{w}», 800 мл", "TEA", 1390, ""),
    ("Текстиль", "Плед вязаный «{w}», 130×170", "PLD", 2990, "color"),
    ("Текстиль", "Полотенце махровое «{w}», 50×90", "TWL", 590, "color"),
    ("Электроника", "Наушники беспроводные «{w}»", "EAR", 4490, ""),
    ("Электроника", "Power bank «{w}», 10000 мА·ч", "PWB", 1990, ""),
    ("Электроника", "Кабель USB-C «{w}», 1 м", "CBL", 390, ""),
    ("Канцтовары", "Блокнот в клетку «{w}», А5", "NTB", 290, ""),
    ("Канцтовары", "Ручка гелевая «{w}»", "PEN", 89, "color"),
    ("Косметика", "Крем для рук «{w}», 75 мл", "CRM", 350, ""),
    ("Косметика", "Бальзам для губ «{w}»", "BLM", 220, ""),
)

_WORDS = (
    "Север", "Лето", "Уют", "Байкал", "Волна", "Рассвет", "Тайга", "Мята", "Графит", "Клюква", "Алтай",
    "Полночь", "Сахалин", "Ладога", "Камчатка", "Нева", "Ока", "Вереск", "Кедр", "Иней", "Янтарь", "Сирень",
    "Бриз", "Карелия", "Онега", "Урал", "Полярная", "Лаванда", "Ирис", "Пион",
)
_SIZES = ("S", "M", "L", "XL")
_SHOE_SIZES = ("38", "39", "40", "41", "42", "43", "44")
_COLORS = ("чёрный", "белый", "серый", "синий", "зелёный", "бордовый")

_FIRST_M = ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Иван", "Михаил", "Николай", "Павел")
_FIRST_F = ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Ирина", "Светлана", "Юлия")
_LAST = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
         "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов")
_PATR_M = ("Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Иванович", "Петрович")
_PATR_F = ("Александровна", "Сергеевна", "Дмитриевна", "Андреевна", "Ивановна", "Петровна")
_COMPANIES = ("ООО «Ромашка»", "ООО «Вектор»", "ИП Сидоров", "ООО «Северный ветер»", "АО «Техноторг»",
              "ООО «Домашний очаг»", "ИП Белова", "ООО «Листок»")
_CITIES = (("Москва", "Москва"), ("Санкт-Петербург", "Санкт-Петербург"), ("Казань", "Республика Татарстан"),
           ("Екатеринбург", "Свердловская область"), ("Новосибирск", "Новосибирская область"),
           ("Нижний Новгород", "Нижегородская область"), ("Ростов-на-Дону", "Ростовская область"))
_STREETS = ("ул. Ленина", "ул. Пушкинская", "пр. Мира", "ул. Садовая", "ул. Гагарина", "Невский пр.",
            "ул. Советская", "ул. Лесная")

_STORES = (
    SeedStore("main", "Основной склад", "main", "Основной", "Москва, ул. Складская, 1"),
    SeedStore("msk", "Склад Москва-Юг", "msk-south", "Москва-Юг", "Москва, Варшавское ш., 150"),
    SeedStore("spb", "Склад Санкт-Петербург", "spb", "Санкт-Петербург", "Санкт-Петербург, ул. Салова, 27"),
    SeedStore("shop", "Магазин на Тверской", "tverskaya", "Магазин Тверская", "Москва, ул. Тверская, 12"),
)

_PRICE_TYPES = (
    SeedPriceType("base", "Цена продажи", "base", "Основная цена", 1.0),
    SeedPriceType("wholesale", "Оптовая цена", "wholesale", "Оптовая", 0.8),
    SeedPriceType("market", "Цена для маркетплейсов", "marketplace", "Маркетплейсы", 1.15),
)

# RetailCRM's status groups with their ``ordering`` as in real accounts: the groups are the process order
# (shared/retailcrm-fixtures/References/testStatusGroups.json: new 10 … cancel 60).
STATUS_GROUPS: tuple[tuple[str, str, int], ...] = (
    ("new", "Новый", 10),
    ("approval", "Согласование", 20),
    ("assembling", "Комплектация", 30),
    ("delivery", "Доставка", 40),
    ("complete", "Выполнен", 50),
    ("cancel", "Отменен", 60),
)

# RetailCRM's order statuses numbered the way real accounts number them (testStatuses.json): ``ordering``
# restarts inside every group (10, 20, …), ``no-call`` («Недозвон») is in the cancel group, a shop's own
# status gets 990 (here «Ждём поставку» in approval, which a cross-group comparison would put after
# «Отправлен»), and an old inactive one stays in the list.
_STATUSES = (
    SeedStatus("new", "Новый", "new", 10),
    SeedStatus("client-confirmed", "Согласован", "approval", 10),
    SeedStatus("offer-analog", "Предложена замена", "approval", 20),
    SeedStatus("waiting-supply", "Ждём поставку", "approval", 990),
    SeedStatus("assembling", "Комплектуется", "assembling", 20),
    SeedStatus("assembling-complete", "Укомплектован", "assembling", 30),
    SeedStatus("send-to-delivery", "Отправлен", "delivery", 10),
    SeedStatus("delivering", "Доставляется", "delivery", 20),
    SeedStatus("complete", "Выполнен", "complete", 10),
    SeedStatus("no-call", "Недозвон", "cancel", 10),
    SeedStatus("no-product", "Нет в наличии", "cancel", 20),
    SeedStatus("cancel-other", "Отменен", "cancel", 60),
    SeedStatus("archived-legacy", "Старый статус", "cancel", 990, active=False),
)

_STATES = (
    SeedState("Новый", "Regular", 15106326),
    SeedState("Подтвержден", "Regular", 40931),
    SeedState("Сборка", "Regular", 10667543),
    SeedState("Собран", "Regular", 8825440),
    SeedState("Отгружен", "Regular", 34617),
    SeedState("Доставлен", "Successful", 8767198),
    SeedState("Возврат", "Unsuccessful", 10774205),
    SeedState("Отменен", "Unsuccessful", 15280409),
)

# Order statuses weighted roughly like a live shop: most orders are done, a few in every stage.
_ORDER_STATUS_WEIGHTS = (
    ("new", 10), ("no-call", 2), ("client-confirmed", 8), ("offer-analog", 1), ("waiting-supply", 2), ("assembling", 8),
    ("assembling-complete", 5), ("send-to-delivery", 8), ("delivering", 6), ("complete", 40),
    ("cancel-other", 8), ("no-product", 4),
)

_DELIVERY_TYPES = (("courier", "Доставка курьером", 30000), ("self-delivery", "Самовывоз", 0),
                   ("russian-post", "Почта России", 35000), ("cdek", "СДЭК", 29000))
_PAYMENT_TYPES = (("cash", "Наличные"), ("bank-card", "Банковская карта"), ("bank-transfer", "Безналичный расчет"))
_ORDER_METHODS = (("shopping-cart", "Корзина"), ("phone", "По телефону"), ("one-click", "В один клик"),
                  ("messenger", "Мессенджер"))


def _ean13(rng: random.Random, prefix: str = "46") -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(12 - len(prefix)))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _external_code(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(22))


def _inn(rng: random.Random, length: int) -> str:
    """A syntactically valid INN (10 digits for companies, 12 for people), check digits included."""
    if length == 10:
        base = [rng.randrange(10) for _ in range(9)]
        weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
        base.append(sum(w * d for w, d in zip(weights, base, strict=True)) % 11 % 10)
        return "".join(map(str, base))
    base = [rng.randrange(10) for _ in range(10)]
    w1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    base.append(sum(w * d for w, d in zip(w1, base, strict=True)) % 11 % 10)
    w2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    base.append(sum(w * d for w, d in zip(w2, base, strict=True)) % 11 % 10)
    return "".join(map(str, base))


def _prices(base_rub: int, rng: random.Random) -> tuple[tuple[tuple[str, int], ...], int]:
    base = base_rub * 100 + rng.choice((0, 0, 0, 90, 50))
    sale = tuple((pt.key, round(base * pt.markup)) for pt in _PRICE_TYPES)
    buy = int(base * rng.uniform(0.42, 0.6))
    return sale, buy


def _variant_axes(kind: str, rng: random.Random) -> list[tuple[tuple[str, str], ...]]:
    if kind == "size-color":
        colors = rng.sample(_COLORS, 2)
        return [(("Размер", s), ("Цвет", c)) for c in colors for s in _SIZES]
    if kind == "size":
        return [(("Размер", s),) for s in _SIZES]
    if kind == "shoe":
        return [(("Размер", s),) for s in _SHOE_SIZES[: rng.randint(4, 7)]]
    if kind == "color":
        return [(("Цвет", c),) for c in rng.sample(_COLORS, 3)]
    return []


def generate_shop(
    products: int = 300,
    orders: int = 120,
    stores: int = 3,
    seed: int = 1,
    variant_share: float = 0.3,
    customers: int | None = None,
    now: datetime | None = None,
) -> Shop:
    """Build the shop. ``stores`` is clamped to 1..10; extra stores get generated names. ``now`` (naive Moscow
    time; default: the wall clock) is the moment every seeded date counts back from."""
    epoch = (now or moscow_now()).replace(second=0, microsecond=0)
    rng = random.Random(seed)
    stores = max(1, min(stores, 10))
    store_list = list(_STORES[:stores])
    for i in range(len(store_list), stores):
        store_list.append(SeedStore(f"s{i + 1}", f"Склад №{i + 1}", f"store-{i + 1}", f"Склад {i + 1}",
                                    f"Подольск, ул. Индустриальная, {i + 1}"))

    folders: list[SeedFolder] = []
    for name, parent in _FOLDERS:
        folders.append(SeedFolder(key=name, name=name, parent_key=parent, external_code=_external_code(rng)))

    with_variants = [t for t in _TEMPLATES if t[4]]
    without_variants = [t for t in _TEMPLATES if not t[4]]
    product_list: list[SeedProduct] = []
    for i in range(products):
        pool = with_variants if rng.random() < variant_share else without_variants
        folder, template, prefix, base_rub, axes = pool[i % len(pool)] if products < 40 else rng.choice(pool)
        word = _WORDS[(i // len(_TEMPLATES)) % len(_WORDS)]
        name = template.format(w=word)
        # the number keeps names unique across a large catalog, as real shops do with model numbers
        if i >= len(_TEMPLATES) * len(_WORDS):
            name = f"{name} {i // (len(_TEMPLATES) * len(_WORDS)) + 1}"
        article = f"{prefix}-{10000 + i}"
        sale, buy = _prices(base_rub, rng)
        ext = _external_code(rng)
        variants: list[SeedVariant] = []
        for j, chars in enumerate(_variant_axes(axes, rng)):
            v_sale, v_buy = sale, buy
            if any(k == "Размер" and v in ("XL", "44", "43") for k, v in chars):
                v_sale = tuple((k, p + 20000) for k, p in sale)  # bigger sizes cost 200 ₽ more
            variants.append(
                SeedVariant(
                    key=f"p{i:06d}-v{j:02d}",
                    code=f"{article}-{j + 1}",
                    external_code=_external_code(rng),
                    characteristics=chars,
                    sale_prices=v_sale,
                    buy_price=v_buy,
                    barcode=_ean13(rng),
                )
            )
        product_list.append(
            SeedProduct(
                key=f"p{i:06d}",
                name=name,
                article=article,
                code=f"{100000 + i}",
                external_code=ext,
                folder_key=folder,
                sale_prices=sale,
                buy_price=buy,
                barcode=_ean13(rng),
                weight=round(rng.uniform(0.05, 1.5), 3),
                vat=rng.choice((20, 20, 20, 10, 0)),
                variants=tuple(variants),
            )
        )

    anomalies: dict[str, list[str]] = {
        "duplicate_article_moysklad": [],
        "duplicate_article_retailcrm": [],
        "only_in_moysklad": [],
        "only_in_retailcrm": [],
        "article_case_spaces": [],
    }
    simple_idx = [i for i, p in enumerate(product_list) if not p.variants]
    if len(simple_idx) >= 12:
        picks = rng.sample(simple_idx, 12)
        # two products in MoySklad share an article (someone copied a card and forgot to change it);
        # the copy is not in RetailCRM, so RetailCRM has one offer against two MoySklad products
        src, dup = picks[0], picks[1]
        product_list[dup] = _replace(product_list[dup], article=product_list[src].article, in_retailcrm=False)
        anomalies["duplicate_article_moysklad"].append(product_list[src].article)
        # the same article on two different RetailCRM offers: a copied offer; the copy is not in MoySklad
        src2, dup2 = picks[2], picks[3]
        product_list[dup2] = _replace(
            product_list[dup2], article=product_list[src2].article, in_moysklad=False
        )
        anomalies["duplicate_article_retailcrm"].append(product_list[src2].article)
        for k in picks[4:7]:  # new arrivals, not yet in RetailCRM
            product_list[k] = _replace(product_list[k], in_retailcrm=False)
            anomalies["only_in_moysklad"].append(product_list[k].article)
        for k in picks[7:9]:  # discontinued in MoySklad, still listed in RetailCRM
            product_list[k] = _replace(product_list[k], in_moysklad=False)
            anomalies["only_in_retailcrm"].append(product_list[k].article)
        for k in picks[9:11]:  # typed by hand in RetailCRM: lower case, stray spaces
            p = product_list[k]
            product_list[k] = _replace(p, rc_article=f"  {p.article.lower()} ")
            anomalies["article_case_spaces"].append(p.article)

    shop_products = tuple(product_list)
    sellable = [o for o in offers_of(shop_products) if o.in_retailcrm]

    stock: dict[tuple[str, str], int] = {}
    for offer in offers_of(shop_products):
        if not offer.in_moysklad:
            continue
        for st in store_list:
            roll = rng.random()
            if roll < 0.15:
                continue  # never stocked in this store: no row in the report
            qty = 0 if roll < 0.25 else rng.randint(1, 60)
            stock[(offer.key, st.key)] = qty

    customer_count = customers if customers is not None else max(10, orders // 2)
    customer_list: list[SeedCustomer] = []
    for i in range(customer_count):
        female = rng.random() < 0.55
        last = rng.choice(_LAST) + ("а" if female else "")
        first = rng.choice(_FIRST_F if female else _FIRST_M)
        patr = rng.choice(_PATR_F if female else _PATR_M)
        legal = rng.random() < 0.12
        company = rng.choice(_COMPANIES) if legal else None
        inn = _inn(rng, 10 if company and company.startswith(("ООО", "АО")) else 12) if legal else None
        customer_list.append(
            SeedCustomer(
                key=f"c{i:05d}",
                first_name=first,
                last_name=last,
                patronymic=patr,
                phone=f"+79{rng.randrange(10**9):09d}",
                email=f"client{i}.{rng.randrange(1000)}@example.ru",
                inn=inn,
                company=company,
            )
        )

    counterparties: list[SeedCounterparty] = [
        SeedCounterparty("cp-retail", "Розничный покупатель", None, None, None, "individual"),
    ]
    # a few customers are already counterparties in MoySklad, written the way people actually type them
    legal_customers = [c for c in customer_list if c.inn]
    plain_customers = [c for c in customer_list if not c.inn]
    for c in legal_customers[:3]:
        counterparties.append(SeedCounterparty(f"cp-{c.key}", c.company or c.last_name, c.inn, None, None, "legal"))
    for c in plain_customers[:4]:
        counterparties.append(
            SeedCounterparty(f"cp-{c.key}", f"{c.last_name} {c.first_name}", None, c.email.upper(), None, "individual")
        )
    for c in plain_customers[4:8]:
        national = "8 (" + c.phone[2:5] + ") " + c.phone[5:8] + "-" + c.phone[8:10] + "-" + c.phone[10:]
        counterparties.append(
            SeedCounterparty(f"cp-{c.key}", f"{c.last_name} {c.first_name[0]}.", None, None, national, "individual")
        )
    if len(plain_customers) > 9:
        # one phone on two counterparties: the sync must not guess which one is meant
        shared = plain_customers[9]
        for suffix in ("a", "b"):
            counterparties.append(
                SeedCounterparty(f"cp-{shared.key}-{suffix}", f"{shared.last_name} ({suffix})", None, None,
                                 shared.phone, "individual")
            )
        anomalies["ambiguous_counterparty_phone"] = [shared.phone]

    status_codes = [s for s, _ in _ORDER_STATUS_WEIGHTS]
    status_weights = [w for _, w in _ORDER_STATUS_WEIGHTS]
    order_list: list[SeedOrder] = []
    # Every tenth order is an older one (placed 8 to 540 days ago, see _OLD_ORDER_AGES), done or cancelled long
    # since; the rest are recent, one every 30-90 minutes up to now. Older orders come first, so order numbers
    # grow with time as in a real account. Their own generator keeps the recent orders' draws as they were.
    old_rng = random.Random(seed * 7 + 13)
    old_ages = sorted(
        (timedelta(days=_OLD_ORDER_AGES[k % len(_OLD_ORDER_AGES)], hours=k // len(_OLD_ORDER_AGES) % 24,
                   minutes=old_rng.randint(0, 600)) for k in range(orders // 10)),
        reverse=True,
    )
    for i in range(orders):
        customer = customer_list[rng.randrange(len(customer_list))]
        lines: dict[str, SeedOrderItem] = {}
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            drawn = sellable[rng.randrange(len(sellable))] if sellable else None
            if drawn is None or drawn.key in lines:
                continue
            base_price = drawn.sale_prices[0][1]
            discount = base_price // 10 if rng.random() < 0.2 else 0
            lines[drawn.key] = SeedOrderItem(drawn.key, rng.choice((1, 1, 1, 2, 3)), base_price, discount)
        city, region = rng.choice(_CITIES)
        delivery = rng.choice(_DELIVERY_TYPES)
        created = epoch - timedelta(minutes=(orders - i) * rng.randint(30, 90))
        status = rng.choices(status_codes, weights=status_weights)[0]
        if i < len(old_ages):
            created = epoch - old_ages[i]
            status = old_rng.choice(("complete", "complete", "complete", "cancel-other"))
        order_list.append(
            SeedOrder(
                key=f"o{i:06d}",
                number=f"{1001 + i}C",
                site="svyazka-demo",
                status=status,
                customer_key=customer.key,
                items=tuple(lines.values()),
                delivery_code=delivery[0],
                delivery_cost=delivery[2],
                address=f"{rng.choice(_STREETS)}, д. {rng.randint(1, 120)}, кв. {rng.randint(1, 300)}",
                city=city if region == city else f"{city} ({region})",
                created_at=created.replace(microsecond=0),
                shipment_store=store_list[0].rc_code,
                comment=rng.choice(("", "", "Позвонить за час", "Оставить у двери", "Домофон не работает")),
            )
        )

    return Shop(
        seed=seed,
        site_code="svyazka-demo",
        site_name="Интернет-магазин «Уют и Стиль»",
        organization_name="ООО «Уют и Стиль»",
        organization_inn=_inn(random.Random(seed + 7), 10),
        stores=tuple(store_list),
        price_types=_PRICE_TYPES,
        folders=tuple(folders),
        products=shop_products,
        statuses=_STATUSES,
        status_groups=STATUS_GROUPS,
        states=_STATES,
        customers=tuple(customer_list),
        counterparties=tuple(counterparties),
        orders=tuple(order_list),
        epoch=epoch,
        stock=stock,
        delivery_types=_DELIVERY_TYPES,
        payment_types=_PAYMENT_TYPES,
        order_methods=_ORDER_METHODS,
        anomalies=anomalies,
    )


def offers_of(products: tuple[SeedProduct, ...]) -> list[SeedOffer]:
    """Every sellable unit of a catalog: a product without variants, or each of its variants."""
    result: list[SeedOffer] = []
    for p in products:
        if not p.variants:
            result.append(
                SeedOffer(
                    key=p.key,
                    product_key=p.key,
                    variant_key=None,
                    name=p.name,
                    article=p.rc_article if p.rc_article is not None else p.article,
                    xml_id=p.external_code,
                    barcode=p.barcode,
                    sale_prices=p.sale_prices,
                    buy_price=p.buy_price,
                    in_moysklad=p.in_moysklad,
                    in_retailcrm=p.in_retailcrm,
                )
            )
            continue
        for v in p.variants:
            label = ", ".join(value for _, value in v.characteristics)
            result.append(
                SeedOffer(
                    key=v.key,
                    product_key=p.key,
                    variant_key=v.key,
                    name=f"{p.name} ({label})",
                    article=v.code,
                    xml_id=f"{p.external_code}#{v.external_code}",
                    barcode=v.barcode,
                    sale_prices=v.sale_prices,
                    buy_price=v.buy_price,
                    in_moysklad=p.in_moysklad,
                    in_retailcrm=p.in_retailcrm,
                )
            )
    return result


def _replace(product: SeedProduct, **changes: object) -> SeedProduct:
    from dataclasses import replace

    return replace(product, **changes)  # type: ignore[arg-type]
