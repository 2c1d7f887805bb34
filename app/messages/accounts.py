"""What the suggested settings say about the choices made (app/sync/accounts.py ``suggest_settings``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "accounts.several_organizations": (
        "В МойСклад несколько юрлиц; выбрано «{name}». Его можно сменить в настройках.",
        "MoySklad has several legal entities; «{name}» is chosen. You can change it in the settings.",
    ),
    "accounts.stores_unpaired": (
        "Склады МойСклад и RetailCRM не сопоставились по названию: выберите пары вручную.",
        "MoySklad and RetailCRM warehouses did not match by name: choose the pairs by hand.",
    ),
    "accounts.several_sites": (
        "Ключ RetailCRM видит несколько магазинов; выбран «{name}».",
        "The RetailCRM key sees several shops; «{name}» is chosen.",
    ),
    "accounts.icml_catalog": (
        "Каталог RetailCRM загружается из ICML-файла: Связка будет только связывать товары и передавать остатки и "
        "цены, а не создавать товары.",
        "The RetailCRM catalog is loaded from an ICML file: Svyazka will only link products and send stock and "
        "prices, not create products.",
    ),
}
