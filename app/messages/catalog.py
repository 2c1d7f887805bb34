"""The catalog flow's sentences (app/sync/catalog/*): conflict titles, links made and removed, products and
groups created or edited, plan notes, the ICML file; and the match keys' names (app/vocab.py MatchKey)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the match keys in words (keys.py, vocab.MatchKey.label): lower case inside a sentence, a title at its start,
    # the genitive after «дублей»
    "catalog.key.article": ("артикул", "article"),
    "catalog.key.code": ("код", "code"),
    "catalog.key.external_code": ("внешний код", "external code"),
    "catalog.key.barcode": ("штрихкод", "barcode"),
    "catalog.key_title.article": ("Артикул", "Article"),
    "catalog.key_title.code": ("Код", "Code"),
    "catalog.key_title.external_code": ("Внешний код", "External code"),
    "catalog.key_title.barcode": ("Штрихкод", "Barcode"),
    "catalog.key_of.article": ("артикула", "article"),
    "catalog.key_of.code": ("кода", "code"),
    "catalog.key_of.external_code": ("внешнего кода", "external code"),
    "catalog.key_of.barcode": ("штрихкода", "barcode"),
    # RetailCRM fields a key is compared with (keys.rc_field_label)
    "catalog.field.article": ("артикул", "article"),
    "catalog.field.barcode": ("штрихкод", "barcode"),
    "catalog.field.property": ("свойство «{code}»", "property «{code}»"),
    # why an item has no key (keys.missing_key_reason_*)
    "catalog.no_key.variant_article": (
        "у модификации нет ни артикула, ни кода",
        "the variant has neither an article nor a code",
    ),
    "catalog.no_key.service_article": (
        "у услуги не заполнен код (артикула у услуг МойСклад нет)",
        "the service has no code (MoySklad services have no article)",
    ),
    "catalog.no_key.product_article": ("у товара не заполнен артикул", "the product has no article"),
    "catalog.no_key.code": ("не заполнен код", "the code is empty"),
    "catalog.no_key.variant_external": (
        "у родительского товара модификации нет внешнего кода",
        "the variant's parent product has no external code",
    ),
    "catalog.no_key.external": ("не заполнен внешний код", "the external code is empty"),
    "catalog.no_key.barcode": ("нет ни одного штрихкода", "there is no barcode"),
    "catalog.no_key.rc_property": (
        "у предложения не заполнено свойство «{code}»",
        "the offer's property «{code}» is empty",
    ),
    "catalog.no_key.rc_article": ("у предложения не заполнен артикул", "the offer has no article"),
    "catalog.no_key.rc_xml_id": (
        "у предложения не заполнен xmlId (внешний код МойСклад)",
        "the offer has no xmlId (the MoySklad external code)",
    ),
    "catalog.no_key.rc_external_id": ("у предложения не заполнен externalId", "the offer has no externalId"),
    "catalog.no_key.rc_barcode": ("у предложения не заполнен штрихкод", "the offer has no barcode"),
    # conflict titles (conflicts.py)
    "catalog.subject.item": ("товар «{name}»", "product «{name}»"),
    "catalog.subject.item_gone": ("товар, которого больше нет в МойСклад", "a product no longer in MoySklad"),
    "catalog.subject.offer": ("предложение «{name}»", "offer «{name}»"),
    "catalog.subject.offer_gone": ("предложение, которого больше нет в RetailCRM", "an offer no longer in RetailCRM"),
    "catalog.subject.key": ("{key} «{value}»", "{key} «{value}»"),
    "catalog.subject.item_id": ("товар МойСклад {id}", "MoySklad product {id}"),
    "catalog.subject.offer_id": ("предложение RetailCRM {id}", "RetailCRM offer {id}"),
    "catalog.dup.both": (
        "{key} «{value}» есть у {n_ms} {n_ms:plural:товара|товаров|товаров} в МойСклад и {n_rc} в RetailCRM",
        "{key} «{value}» is on {n_ms} {n_ms:plural:product|products} in MoySklad and {n_rc} in RetailCRM",
    ),
    "catalog.dup.ms": (
        "{key} «{value}» есть у {n_ms} {n_ms:plural:товара|товаров|товаров} в МойСклад и ни у одного в RetailCRM",
        "{key} «{value}» is on {n_ms} {n_ms:plural:product|products} in MoySklad and none in RetailCRM",
    ),
    "catalog.dup.rc": (
        "{key} «{value}» есть у {n_rc} {n_rc:plural:предложения|предложений|предложений} в RetailCRM и ни у "
        "одного товара в МойСклад",
        "{key} «{value}» is on {n_rc} {n_rc:plural:offer|offers} in RetailCRM and no product in MoySklad",
    ),
    "catalog.noun.product": ("Товар", "Product"),
    "catalog.noun.variant": ("Модификация", "Variant"),
    "catalog.noun.service": ("Услуга", "Service"),
    "catalog.noun.bundle": ("Комплект", "Bundle"),
    "catalog.only_ms_no_key": (
        "{noun} «{name}» есть только в МойСклад: {reason}",
        "{noun} «{name}» is only in MoySklad: {reason}",
    ),
    "catalog.only_ms": (
        "{noun} «{name}» ({keys}) есть только в МойСклад{taken}",
        "{noun} «{name}» ({keys}) is only in MoySklad{taken}",
    ),
    "catalog.only_ms_taken": (
        "; предложение RetailCRM «{name}» с этим ключом уже связано с другим товаром",
        "; the RetailCRM offer «{name}» with this key is already linked to another product",
    ),
    "catalog.only_rc_no_key": (
        "Предложение «{name}» есть только в RetailCRM: {reason}",
        "The offer «{name}» is only in RetailCRM: {reason}",
    ),
    "catalog.only_rc": (
        "Предложение «{name}» ({keys}) есть только в RetailCRM{taken}",
        "The offer «{name}» ({keys}) is only in RetailCRM{taken}",
    ),
    "catalog.only_rc_taken": (
        "; товар МойСклад «{name}» с этим ключом уже связан с другим предложением",
        "; the MoySklad product «{name}» with this key is already linked to another offer",
    ),
    "catalog.archived_mate": (
        "Предложение «{name}» ({keys}): товар в архиве МойСклад — единственный товар с этим ключом, «{item}», "
        "перенесён в архив. Верните его из архива в МойСклад, свяжите их (остаток предложения станет 0) или "
        "пропустите конфликт",
        "The offer «{name}» ({keys}): the product is archived in MoySklad — the only product with this key, "
        "«{item}», was moved to the archive. Restore it in MoySklad, link them (the offer's stock becomes 0) or "
        "skip the conflict",
    ),
    "catalog.key_phrase": ("{key} {values}", "{key} {values}"),
    "catalog.stale.ms_gone": (
        "Связь больше не действует: {ms} удалён в МойСклад ({rc} осталось без пары)",
        "The link no longer holds: {ms} was deleted in MoySklad ({rc} is left without a pair)",
    ),
    "catalog.stale.rc_gone": (
        "Связь больше не действует: {rc} удалено в RetailCRM ({ms} остался без пары)",
        "The link no longer holds: {rc} was deleted in RetailCRM ({ms} is left without a pair)",
    ),
    "catalog.stale.both_gone": (
        "Связь больше не действует: удалены и {ms}, и {rc}",
        "The link no longer holds: both {ms} and {rc} were deleted",
    ),
    "catalog.stale.replaced": (
        "Связь «{ms} — {rc}» заменена решением, принятым вручную",
        "The link «{ms} — {rc}» was replaced by a decision made by hand",
    ),
    "catalog.stale.linked_twice": (
        "Связь «{ms} — {rc}» лишняя: предложение уже связано с другим товаром",
        "The link «{ms} — {rc}» is extra: the offer is already linked to another product",
    ),
    "catalog.stale.excluded": (
        "Связь с предложением RetailCRM {rc_id} снята: товар МойСклад в группе, исключённой в настройках Связки "
        "(его остатки и цены больше не передаются)",
        "The link to RetailCRM offer {rc_id} was removed: the MoySklad product is in a group excluded in "
        "Svyazka's settings (its stock and prices are no longer sent)",
    ),
    # decisions that no longer fit (matching.py)
    "catalog.drop.unknown": ("неизвестное решение", "an unknown decision"),
    "catalog.drop.no_pair": ("в решении не указаны товар и предложение", "the decision names no product and offer"),
    "catalog.drop.gone": (
        "товар или предложение из решения больше не существуют",
        "the decision's product or offer no longer exists",
    ),
    "catalog.drop.taken": (
        "товар или предложение уже связаны по другому решению",
        "the product or offer is already linked by another decision",
    ),
    "catalog.drop.no_longer_shared": (
        "выбранные товар и предложение больше не делят этот ключ или уже связаны иначе",
        "the chosen product and offer no longer share this key or are already linked otherwise",
    ),
    "catalog.drop.create_only_single": (
        "создать можно только товар, которого нет на другой стороне",
        "only a product missing on the other side can be created",
    ),
    "catalog.drop.archived_actions": (
        "для товара из архива подходит только «связать» или «пропустить»",
        "for an archived product only «link» or «skip» fit",
    ),
    "catalog.drop.single_actions": (
        "для товара без пары подходит только «создать» или «пропустить»",
        "for a product without a pair only «create» or «skip» fit",
    ),
    "catalog.drop.no_conflict": ("конфликта больше нет", "the conflict is gone"),
    "catalog.note.dropped": (
        "прежнее решение ({subject}) больше не подходит: {reason}",
        "an earlier decision ({subject}) no longer fits: {reason}",
    ),
    "catalog.note.variant_code": (
        "для {n} {n:plural:модификации|модификаций|модификаций} использован код вместо артикула (у модификаций "
        "МойСклад нет артикула)",
        "for {n} {n:plural:variant|variants} the code was used instead of the article (MoySklad variants have no "
        "article)",
    ),
    "catalog.note.stale": (
        "связей, которые больше не действуют: {n}; они будут удалены",
        "links that no longer hold: {n}; they will be removed",
    ),
    "catalog.note.skipped_inactive": (
        "без пары оставлены архивные товары МойСклад ({ms}) и неактивные предложения RetailCRM ({rc}): их не создаём",
        "archived MoySklad products ({ms}) and inactive RetailCRM offers ({rc}) are left without a pair: they are "
        "not created",
    ),
    # the plan (plan.py)
    "catalog.note.icml_site": (
        "Каталог магазина «{site}» в RetailCRM загружается из файла ICML, поэтому Связка только связывает товары "
        "и не создаёт и не меняет их. Если каталог ведётся в RetailCRM, переключите его в настройках магазина "
        "RetailCRM; иначе выберите в Связке способ «файл ICML».",
        "The catalog of the shop «{site}» in RetailCRM is loaded from an ICML file, so Svyazka only links goods "
        "and neither creates nor changes them. If the catalog is kept in RetailCRM, switch it in the RetailCRM "
        "shop settings; otherwise choose the «ICML file» way in Svyazka.",
    ),
    "catalog.skip.icml": (
        "каталог RetailCRM загружается из файла ICML, товар должен прийти из него",
        "the RetailCRM catalog is loaded from an ICML file, the product must come from it",
    ),
    "catalog.skip.variant": (
        "RetailCRM не даёт создавать модификации через API; добавьте её в RetailCRM",
        "RetailCRM does not allow creating variants through the API; add it in RetailCRM",
    ),
    "catalog.not_created_rc": (
        "«{name}» не создаётся в RetailCRM: {why}.",
        "«{name}» is not created in RetailCRM: {why}.",
    ),
    "catalog.only_ms_icml": (
        "{title}. Каталог RetailCRM загружается из файла ICML: товар появится в RetailCRM, когда попадёт в этот "
        "файл, и тогда Связка свяжет его сама",
        "{title}. The RetailCRM catalog is loaded from an ICML file: the product appears in RetailCRM once it is "
        "in that file, and then Svyazka links it by itself",
    ),
    "catalog.only_ms_variant": (
        "{title}. RetailCRM не даёт создавать модификации через API: добавьте это торговое предложение в каталог "
        "RetailCRM вручную (с тем же ключом), и Связка свяжет его сама",
        "{title}. RetailCRM does not allow creating variants through the API: add this offer to the RetailCRM "
        "catalog by hand (with the same key), and Svyazka links it by itself",
    ),
    "catalog.why.resolution": ("по решению, принятому вручную", "by a decision made by hand"),
    "catalog.why.key": ("{key} «{value}»", "{key} «{value}»"),
    "catalog.why.external": ("по внешнему коду", "by the external code"),
    "catalog.change.link": (
        "Связать товар МойСклад «{ms}» с предложением RetailCRM «{rc}» ({why})",
        "Link the MoySklad product «{ms}» with the RetailCRM offer «{rc}» ({why})",
    ),
    "catalog.part.key": (", {key} «{value}»", ", {key} «{value}»"),
    "catalog.part.key_paren": (" ({key} «{value}»)", " ({key} «{value}»)"),
    "catalog.part.group": (" в группе «{name}»", " in the group «{name}»"),
    "catalog.change.create_rc": (
        "Создать в RetailCRM товар «{name}»{key_part}{where}",
        "Create the product «{name}» in RetailCRM{key_part}{where}",
    ),
    "catalog.join": ("{head}, {tail}", "{head}, {tail}"),
    "catalog.edit.name": ("название «{before}» → «{after}»", "name «{before}» → «{after}»"),
    "catalog.edit.article": ("артикул «{before}» → «{after}»", "article «{before}» → «{after}»"),
    "catalog.edit.group": ("группа → «{name}»", "group → «{name}»"),
    "catalog.change.edit_rc": (
        "Изменить в RetailCRM товар «{name}»: {parts}",
        "Change the product «{name}» in RetailCRM: {parts}",
    ),
    "catalog.offer_name": ("Предложение {id}", "Offer {id}"),
    "catalog.change.create_ms": (
        "Создать в МойСклад товар «{name}»{key_part} по предложению RetailCRM",
        "Create the product «{name}» in MoySklad{key_part} from the RetailCRM offer",
    ),
    "catalog.note.found": (
        "Найдено {pairs} {pairs:plural:пара|пары|пар} (новых {new}), {only_ms} только в МойСклад, {only_rc} только "
        "в RetailCRM, {duplicates} {duplicates:plural:дубль|дубля|дублей} {key}.",
        "Found {pairs} {pairs:plural:pair|pairs} ({new} new), {only_ms} only in MoySklad, {only_rc} only in "
        "RetailCRM, {duplicates} {duplicates:plural:duplicate|duplicates} by {key}.",
    ),
    "catalog.note.field": (
        "{key} МойСклад сравнивается с полем RetailCRM: {field}.",
        "{key} in MoySklad is compared with the RetailCRM field: {field}.",
    ),
    "catalog.note.writes": (
        "Будет создано в RetailCRM товаров: {rc_creates}, групп: {groups}; изменено товаров RetailCRM: {rc_edits}; "
        "создано в МойСклад: {ms_creates}.",
        "To create in RetailCRM: {rc_creates} products, {groups} groups; RetailCRM products to change: {rc_edits}; "
        "to create in MoySklad: {ms_creates}.",
    ),
    # the flow (flow.py)
    "catalog.note.excluded": (
        "В исключённых группах МойСклад {n} {n:plural:товар|товара|товаров}: они не связываются, не создаются и "
        "не учитываются{unlinked}",
        "The excluded MoySklad groups hold {n} {n:plural:product|products}: they are not linked, created or "
        "counted{unlinked}",
    ),
    "catalog.note.excluded_links": ("; снимается связей: {n}.", "; links to remove: {n}."),
    "catalog.note.excluded_end": (".", "."),
    "catalog.note.retired": (
        "Товары МойСклад в архиве ({archived}) и удалённые ({deleted}): остатки их предложений в RetailCRM "
        "обнуляются на всех складах, товары RetailCRM отключаются.",
        "MoySklad products archived ({archived}) and deleted ({deleted}): their offers' stock in RetailCRM is set "
        "to zero in every warehouse, the RetailCRM products are switched off.",
    ),
    "catalog.note.retired_icml": (
        "Товары МойСклад в архиве ({archived}) и удалённые ({deleted}): остатки их предложений в RetailCRM "
        "обнуляются на всех складах (каталог из файла ICML: товары RetailCRM Связка не отключает).",
        "MoySklad products archived ({archived}) and deleted ({deleted}): their offers' stock in RetailCRM is set "
        "to zero in every warehouse (the catalog comes from an ICML file: Svyazka does not switch off RetailCRM "
        "products).",
    ),
    "catalog.retired.archived": ("товар в архиве МойСклад", "the product is archived in MoySklad"),
    "catalog.retired.deleted": ("товар удалён в МойСклад", "the product was deleted in MoySklad"),
    "catalog.change.deactivate": (
        "Отключить в RetailCRM товар «{name}»: {why}",
        "Switch off the product «{name}» in RetailCRM: {why}",
    ),
    "catalog.change.activate": (
        "Снова включить в RetailCRM товар «{name}»: товар вернулся из архива МойСклад",
        "Switch the product «{name}» in RetailCRM on again: it came back from the MoySklad archive",
    ),
    "catalog.site_missing": (
        "В RetailCRM нет магазина «{site}», выбранного в настройках Связки (или ключ API его не видит). Откройте "
        "настройки и выберите магазин заново.",
        "RetailCRM has no shop «{site}» chosen in Svyazka's settings (or the API key cannot see it). Open the "
        "settings and choose the shop again.",
    ),
    "catalog.no_sites": (
        "В аккаунте RetailCRM нет ни одного магазина. Создайте магазин в RetailCRM и запустите синхронизацию.",
        "The RetailCRM account has no shop. Create a shop in RetailCRM and run the sync.",
    ),
    "catalog.conflict_stock_unread": (
        "Остатки товаров из конфликтов не показаны: МойСклад не ответил на запрос остатков. {error}",
        "The stock of the goods in conflicts is not shown: MoySklad did not answer the stock request. {error}",
    ),
    # links (apply.py)
    "catalog.link_removed": ("{title}. Связь удалена.", "{title}. The link was removed."),
    "catalog.linked": (
        "Связаны: «{name}» в МойСклад и предложение RetailCRM {rc_id}{key_part}.",
        "Linked: «{name}» in MoySklad and RetailCRM offer {rc_id}{key_part}.",
    ),
    "catalog.ms_not_created": (
        "МойСклад не создал товар «{name}»: {error}.",
        "MoySklad did not create the product «{name}»: {error}.",
    ),
    "catalog.ms_created": (
        "Создан товар МойСклад «{name}» и связан с предложением RetailCRM.",
        "Created the MoySklad product «{name}» and linked it with the RetailCRM offer.",
    ),
    "catalog.bad_barcode": (
        "Штрихкод «{barcode}» товара «{name}» не передан в МойСклад: это не EAN-13 и не текст для Code 128 "
        "(латинские буквы, цифры и знаки, до 255 символов). Товар создаётся без штрихкода; проверьте штрихкод в "
        "RetailCRM и добавьте верный в карточку товара в МойСклад.",
        "The barcode «{barcode}» of the product «{name}» was not sent to MoySklad: it is neither EAN-13 nor text "
        "for Code 128 (Latin letters, digits and signs, up to 255 characters). The product is created without a "
        "barcode; check the barcode in RetailCRM and add the right one to the product card in MoySklad.",
    ),
    # groups (groups.py)
    "catalog.change.create_group": (
        "Создать в RetailCRM группу товаров «{name}»",
        "Create the product group «{name}» in RetailCRM",
    ),
    "catalog.group_no_parent": (
        "Группа «{name}» не создана: не удалось создать её родительскую группу. Связка попробует снова при "
        "следующей синхронизации.",
        "The group «{name}» was not created: its parent group could not be created. Svyazka tries again at the "
        "next sync.",
    ),
    "catalog.group_maybe": (
        "Не удалось узнать, создана ли в RetailCRM группа «{name}»: связь прервалась. При следующей синхронизации "
        "Связка найдёт её и свяжет.",
        "Could not learn whether the group «{name}» was created in RetailCRM: the connection broke. At the next "
        "sync Svyazka finds it and links it.",
    ),
    "catalog.group_refused": (
        "Группа товаров «{name}» не создана в RetailCRM. {error}",
        "The product group «{name}» was not created in RetailCRM. {error}",
    ),
    "catalog.group_created": (
        "Создана группа товаров RetailCRM «{name}».",
        "Created the RetailCRM product group «{name}».",
    ),
    # products (products.py)
    "catalog.edit_refused": (
        "RetailCRM не принял изменения товара «{name}». {error}",
        "RetailCRM did not accept the changes to the product «{name}». {error}",
    ),
    "catalog.rc_answered": ("RetailCRM ответил «{reason}»", "RetailCRM answered «{reason}»"),
    "catalog.catalog_id": (" (catalogId «{id}»)", " (catalogId «{id}»)"),
    "catalog.catalog_none": (
        " (в справочнике магазинов RetailCRM каталог не указан)",
        " (no catalog is set in the RetailCRM shop directory)",
    ),
    "catalog.no_catalog": (
        "Связка не может создать в RetailCRM новые товары из МойСклад ({count}): каталог магазина "
        "«{site}»{catalog} не подходит для создания товаров через API — {why}. Уже связанные товары, их остатки и "
        "цены передаются как обычно. Создайте эти товары в RetailCRM сами (или выгружайте каталог файлом ICML: "
        "способ «файл ICML» в настройках Связки) — при следующей синхронизации Связка их свяжет.",
        "Svyazka cannot create new products from MoySklad in RetailCRM ({count}): the catalog of the shop "
        "«{site}»{catalog} does not allow creating products through the API — {why}. Goods already linked, their "
        "stock and prices are sent as usual. Create these products in RetailCRM yourself (or export the catalog as "
        "an ICML file: the «ICML file» way in Svyazka's settings) — at the next sync Svyazka links them.",
    ),
    "catalog.create_maybe": (
        "Связь с RetailCRM прервалась во время создания {n} товаров: неизвестно, созданы ли они. При следующей "
        "синхронизации Связка найдёт созданные по внешнему коду и свяжет их, а остальные создаст.",
        "The connection to RetailCRM broke while creating {n} products: it is unknown whether they were created. "
        "At the next sync Svyazka finds the created ones by the external code and links them, and creates the rest.",
    ),
    "catalog.rc_not_created": (
        "RetailCRM не создал товар «{name}». {error}",
        "RetailCRM did not create the product «{name}». {error}",
    ),
    "catalog.rc_no_offer": (
        "Товар «{name}» создан в RetailCRM, но торгового предложения у него нет, поэтому связать его не с чем. "
        "Добавьте предложение в RetailCRM.",
        "The product «{name}» was created in RetailCRM, but it has no offer, so there is nothing to link. Add an "
        "offer in RetailCRM.",
    ),
    "catalog.rc_created": (
        "Создан товар RetailCRM «{name}» и связан с товаром МойСклад.",
        "Created the RetailCRM product «{name}» and linked it with the MoySklad product.",
    ),
    "catalog.rc_edit_missing": (
        "Товар «{name}» не найден в RetailCRM: возможно, его удалили. При следующей синхронизации Связка проверит "
        "связи.",
        "The product «{name}» was not found in RetailCRM: it may have been deleted. At the next sync Svyazka "
        "checks the links.",
    ),
    "catalog.what.name": ("название", "name"),
    "catalog.what.article": ("артикул", "article"),
    "catalog.what.group": ("группа", "group"),
    "catalog.rc_edited": (
        "Товар RetailCRM «{name}» приведён к МойСклад: {what}.",
        "The RetailCRM product «{name}» now matches MoySklad: {what}.",
    ),
    "catalog.rc_activated": (
        "Товар RetailCRM «{name}» снова активен: товар вернулся из архива МойСклад, остатки передаются как раньше.",
        "The RetailCRM product «{name}» is active again: it came back from the MoySklad archive, its stock is sent "
        "as before.",
    ),
    "catalog.rc_deactivated": (
        "Товар RetailCRM «{name}» отключён (active: false): товар в архиве или удалён в МойСклад, его остатки в "
        "RetailCRM обнулены. Когда товар вернётся из архива, Связка включит его снова.",
        "The RetailCRM product «{name}» was switched off (active: false): the product is archived or deleted in "
        "MoySklad, its stock in RetailCRM is set to zero. When it comes back from the archive, Svyazka switches it "
        "on again.",
    ),
    # the ICML file (icml.py, icml_hook.py)
    "catalog.icml_written": (
        "Файл каталога ICML записан: {path} (предложений: {offers}, категорий: {categories}).{duplicates}",
        "The ICML catalog file was written: {path} (offers: {offers}, categories: {categories}).{duplicates}",
    ),
    "catalog.icml_duplicates": (
        " Не вошли {n} товаров с повторяющимся внешним кодом ({shown}): исправьте внешние коды в МойСклад.",
        " Left out {n} products with a repeated external code ({shown}): fix the external codes in MoySklad.",
    ),
    "catalog.icml_not_written": (
        "Файл каталога ICML не записан в папку «{folder}»: {error}. Проверьте, что папка существует и в неё можно "
        "писать, или выберите другую папку в настройках.",
        "The ICML catalog file was not written to the folder «{folder}»: {error}. Check that the folder exists "
        "and can be written to, or choose another folder in the settings.",
    ),
}
