<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en_US">
<context>
    <name>AlertsDialog</name>
    <message>
        <source>Alerts</source>
        <translation>Оповещения</translation>
    </message>
    <message>
        <source>Svyazka writes to you when a sync fails, a key stops working or conflicts wait for your decision, once per problem, and once more when it is solved. It works for runs from the window, the schedule and the command line.</source>
        <translation>Связка напишет вам, если синхронизация не удалась, ключ перестал работать или конфликты ждут вашего решения — один раз о каждой проблеме и ещё раз, когда она решится. Это работает для запусков из окна, по расписанию и из командной строки.</translation>
    </message>
    <message>
        <source>owner@shop.ru, manager@shop.ru</source>
        <translation>owner@shop.ru, manager@shop.ru</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Почта</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <translation>Сервер SMTP</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>From</source>
        <translation>От кого</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Кому</translation>
    </message>
    <message>
        <source>The connection is encrypted (STARTTLS; port 465: TLS). Yandex, Mail.ru and Gmail need an app password, not the mailbox password.</source>
        <translation>Соединение шифруется (STARTTLS; на порту 465 — TLS). Для Яндекса, Mail.ru и Gmail нужен пароль приложения, а не пароль от почты.</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Bot token</source>
        <translation>Токен бота</translation>
    </message>
    <message>
        <source>Chat id</source>
        <translation>Номер чата</translation>
    </message>
    <message>
        <source>Create a bot with @BotFather, write /start to it, then enter your chat id (@userinfobot tells it).</source>
        <translation>Создайте бота через @BotFather, напишите ему /start и введите номер своего чата (его подскажет @userinfobot).</translation>
    </message>
    <message>
        <source>A sync failed</source>
        <translation>Синхронизация не удалась</translation>
    </message>
    <message>
        <source>A key or token stopped working</source>
        <translation>Ключ или токен перестал работать</translation>
    </message>
    <message>
        <source>New conflicts wait for a decision</source>
        <translation>Новые конфликты ждут решения</translation>
    </message>
    <message>
        <source>No successful sync for</source>
        <translation>Нет удачной синхронизации дольше</translation>
    </message>
    <message>
        <source>MoySklad may lock the API (too many requests refused)</source>
        <translation>МойСклад может заблокировать API (много отказов «слишком много запросов»)</translation>
    </message>
    <message>
        <source> h</source>
        <translation> ч</translation>
    </message>
    <message>
        <source>A summary once a day</source>
        <translation>Сводка раз в сутки</translation>
    </message>
    <message>
        <source>What to tell</source>
        <translation>О чём сообщать</translation>
    </message>
    <message>
        <source>Send a test message</source>
        <translation>Отправить проверочное сообщение</translation>
    </message>
    <message>
        <source>saved; type to replace</source>
        <translation>сохранён</translation>
    </message>
    <message>
        <source>Enter the SMTP server, or clear the recipients.</source>
        <translation>Укажите сервер SMTP или очистите поле «Кому».</translation>
    </message>
    <message>
        <source>Enter at least one recipient address.</source>
        <translation>Укажите хотя бы один адрес в поле «Кому».</translation>
    </message>
    <message>
        <source>«{address}» does not look like an e-mail address.</source>
        <translation>«{address}» не похоже на адрес почты.</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Отправляем…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохраняем…</translation>
    </message>
    <message>
        <source>Nothing to test: enter an e-mail server or a Telegram chat first.</source>
        <translation>Проверять нечего: сначала укажите почтовый сервер или чат Telegram.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
</context>
<context>
    <name>CheckTab</name>
    <message>
        <source>Check now</source>
        <translation>Сверить</translation>
    </message>
    <message>
        <source>Fix…</source>
        <translation>Исправить…</translation>
    </message>
    <message>
        <source>Export to CSV…</source>
        <translation>Экспорт в CSV…</translation>
    </message>
    <message>
        <source>Compares RetailCRM with MoySklad without changing anything in either.</source>
        <translation>Сверка сравнивает RetailCRM и МойСклад, ничего не меняя ни там, ни там.</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Item or order</source>
        <translation>Товар или заказ</translation>
    </message>
    <message>
        <source>Article / number</source>
        <translation>Артикул / номер</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Где</translation>
    </message>
    <message>
        <source>RetailCRM</source>
        <translation>RetailCRM</translation>
    </message>
    <message>
        <source>MoySklad</source>
        <translation>МойСклад</translation>
    </message>
    <message>
        <source>Should be in RetailCRM</source>
        <translation>Должно быть в RetailCRM</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>Остатки</translation>
    </message>
    <message>
        <source>Prices</source>
        <translation>Цены</translation>
    </message>
    <message>
        <source>Orders missing in MoySklad</source>
        <translation>Заказы, которых нет в МойСклад</translation>
    </message>
    <message>
        <source>Reserves of cancelled orders</source>
        <translation>Резервы отменённых заказов</translation>
    </message>
    <message>
        <source>Links to items that are gone</source>
        <translation>Связи с исчезнувшими товарами</translation>
    </message>
    <message>
        <source>catalog</source>
        <translation>каталога</translation>
    </message>
    <message>
        <source>stock</source>
        <translation>остатков</translation>
    </message>
    <message>
        <source>prices</source>
        <translation>цен</translation>
    </message>
    <message>
        <source>orders</source>
        <translation>заказов</translation>
    </message>
    <message>
        <source>Comparing RetailCRM with MoySklad… Nothing is changed in either.</source>
        <translation>Сравниваем RetailCRM и МойСклад… Ни там, ни там ничего не меняется.</translation>
    </message>
    <message>
        <source>Everything agrees: RetailCRM and MoySklad show the same.</source>
        <translation>Всё сходится: в RetailCRM и МойСклад одно и то же.</translation>
    </message>
    <message numerus="yes">
        <source>%n difference(s) found. Pick a kind on the left and press «Fix…», or export the list.</source>
        <translation>
            <numerusform>Найдено %n расхождение. Выберите вид слева и нажмите «Исправить…» или выгрузите список.</numerusform>
            <numerusform>Найдено %n расхождения. Выберите вид слева и нажмите «Исправить…» или выгрузите список.</numerusform>
            <numerusform>Найдено %n расхождений. Выберите вид слева и нажмите «Исправить…» или выгрузите список.</numerusform>
        </translation>
    </message>
    <message>
        <source>All differences</source>
        <translation>Все расхождения</translation>
    </message>
    <message>
        <source>Fix «{kind}»…</source>
        <translation>Исправить «{kind}»…</translation>
    </message>
    <message>
        <source>Svyazka cannot sync only the items in this list: it will run the full sync of {flows} for this profile. That puts these differences right and sends anything else that changed. Run it now?</source>
        <translation>Связка не умеет синхронизировать только эти позиции: она запустит полную синхронизацию {flows} для этого профиля. Это исправит расхождения из списка и заодно передаст всё остальное, что изменилось. Запустить сейчас?</translation>
    </message>
    <message>
        <source>Running the full sync of {flows}. Check again when it has finished.</source>
        <translation>Идёт полная синхронизация {flows}. Когда она закончится, нажмите «Сверить» ещё раз.</translation>
    </message>
    <message>
        <source>Fix the differences</source>
        <translation>Исправить расхождения</translation>
    </message>
    <message>
        <source>Export the differences</source>
        <translation>Экспорт расхождений</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not save {path}: {error}. Choose another folder.</source>
        <translation>Не удалось сохранить {path}: {error}. Выберите другую папку.</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n line(s) to {path}.</source>
        <translation>
            <numerusform>Сохранена %n строка в {path}.</numerusform>
            <numerusform>Сохранены %n строки в {path}.</numerusform>
            <numerusform>Сохранено %n строк в {path}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Conflict: {kind}</source>
        <translation>Конфликт: {kind}</translation>
    </message>
    <message>
        <source>In MoySklad</source>
        <translation>В МойСклад</translation>
    </message>
    <message>
        <source>In RetailCRM</source>
        <translation>В RetailCRM</translation>
    </message>
    <message>
        <source>MoySklad</source>
        <translation>МойСклад</translation>
    </message>
    <message>
        <source>Nothing in MoySklad.</source>
        <translation>В МойСклад ничего нет.</translation>
    </message>
    <message>
        <source>RetailCRM</source>
        <translation>RetailCRM</translation>
    </message>
    <message>
        <source>Nothing in RetailCRM.</source>
        <translation>В RetailCRM ничего нет.</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Кол-во</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Order: {name}</source>
        <translation>Заказ: {name}</translation>
    </message>
    <message>
        <source>Comment: {text}</source>
        <translation>Комментарий: {text}</translation>
    </message>
    <message>
        <source>This order was changed in MoySklad (for example, a picker replaced a product) and in RetailCRM since the last sync, so Svyazka changed nothing in it. Lines that differ are in bold. Choose which version to keep; the next sync carries it out.</source>
        <translation>Этот заказ с прошлой синхронизации изменили и в МойСклад (например, сборщик заменил товар), и в RetailCRM, поэтому Связка ничего в нём не меняла. Строки, которые отличаются, выделены жирным. Выберите, какой вариант оставить, — следующая синхронизация это выполнит.</translation>
    </message>
    <message>
        <source>Several items share one key, so Svyazka cannot tell which belong together. Pick the MoySklad item and the RetailCRM offer that are the same product; the others stay unlinked. Better still, give each product its own SKU in MoySklad.</source>
        <translation>У нескольких товаров один и тот же ключ, поэтому Связка не может понять, какие из них — один и тот же товар. Выберите товар МойСклад и предложение RetailCRM, которые соответствуют друг другу; остальные останутся без связи. А лучше всего — дайте каждому товару в МойСклад собственный артикул.</translation>
    </message>
    <message>
        <source>Several MoySklad counterparties fit this RetailCRM customer, so the order waits. Choose the right counterparty, or let Svyazka create a new one.</source>
        <translation>Этому клиенту RetailCRM подходят несколько контрагентов МойСклад, поэтому заказ ждёт. Выберите нужного контрагента или позвольте Связке создать нового.</translation>
    </message>
    <message>
        <source>Orders in this RetailCRM status wait because it has no MoySklad status. Choose one in the connection settings (Orders page), or ignore the status to skip such orders.</source>
        <translation>Заказы в этом статусе RetailCRM ждут, потому что для него не выбран статус МойСклад. Выберите его в настройках подключения (страница «Заказы») или пропускайте такой статус — тогда эти заказы выгружаться не будут.</translation>
    </message>
    <message>
        <source>An order has a product that is not linked to MoySklad. Link the product in the catalog (see the catalog conflicts), or ignore this line.</source>
        <translation>В заказе есть товар, не связанный с МойСклад. Свяжите товар в каталоге (см. конфликты каталога) или пропустите эту строку.</translation>
    </message>
    <message>
        <source>This item is in MoySklad but no RetailCRM offer has its key. Create it in RetailCRM, link it to the offer shown on the right (if any), or ignore it.</source>
        <translation>Этот товар есть в МойСклад, но ни у одного предложения RetailCRM нет его ключа. Создайте его в RetailCRM, свяжите с предложением справа (если оно есть) или пропустите.</translation>
    </message>
    <message>
        <source>This offer is in RetailCRM but no MoySklad item has its key. Create it in MoySklad, link it to the item shown on the left (if any), or ignore it.</source>
        <translation>Это предложение есть в RetailCRM, но ни у одного товара МойСклад нет его ключа. Создайте его в МойСклад, свяжите с товаром слева (если он есть) или пропустите.</translation>
    </message>
    <message>
        <source>The only MoySklad item with this offer&apos;s key is archived in MoySklad. Restore it from the archive in MoySklad, link it (the offer&apos;s stock then goes to 0), or ignore it.</source>
        <translation>Единственный товар МойСклад с ключом этого предложения — в архиве МойСклад. Верните его из архива в МойСклад, свяжите их (остаток предложения станет 0) или пропустите конфликт.</translation>
    </message>
    <message>
        <source>MoySklad requires this additional field on customer orders, and nothing fills it, so MoySklad refuses the orders and they wait. Choose what fills it in the connection settings (Orders page, MoySklad order fields) or with svyazka setup --order-attribute, or make the field optional in MoySklad. The next sync then sends the waiting orders and closes this conflict by itself.</source>
        <translation>МойСклад требует заполнить это дополнительное поле в заказах покупателей, а его ничто не заполняет, поэтому МойСклад не принимает заказы и они ждут. Выберите, чем его заполнять, в настройках подключения (страница «Заказы», поля заказа МойСклад) или командой svyazka setup --order-attribute, либо сделайте поле необязательным в МойСклад. Следующая синхронизация отправит ждущие заказы и сама закроет этот конфликт.</translation>
    </message>
    <message>
        <source>Svyazka did not guess here. Fix it in the service or in the settings, or ignore it.</source>
        <translation>Здесь Связка не стала угадывать. Исправьте данные в сервисе или в настройках либо пропустите конфликт.</translation>
    </message>
    <message>
        <source>{status}. First seen {first}, last seen {last}.</source>
        <translation>{status}. Впервые замечен {first}, последний раз {last}.</translation>
    </message>
    <message>
        <source>Decision: {decision}.</source>
        <translation>Решение: {decision}.</translation>
    </message>
    <message>
        <source>Create a new counterparty</source>
        <translation>Создать нового контрагента</translation>
    </message>
    <message>
        <source>Create in RetailCRM</source>
        <translation>Создать в RetailCRM</translation>
    </message>
    <message>
        <source>Create in MoySklad</source>
        <translation>Создать в МойСклад</translation>
    </message>
    <message>
        <source>Use the chosen counterparty</source>
        <translation>Использовать выбранного контрагента</translation>
    </message>
    <message>
        <source>Keep the chosen pair</source>
        <translation>Оставить выбранную пару</translation>
    </message>
    <message>
        <source>Link these two</source>
        <translation>Связать эти два</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Пропустить</translation>
    </message>
    <message>
        <source>Keep as in RetailCRM</source>
        <translation>Оставить как в RetailCRM</translation>
    </message>
    <message>
        <source>Keep as in MoySklad</source>
        <translation>Оставить как в МойСклад</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Вернуть на решение</translation>
    </message>
    <message>
        <source>The chosen item and offer are linked; the others are left alone.</source>
        <translation>Выбранные товар и предложение будут связаны, остальные останутся как есть.</translation>
    </message>
    <message>
        <source>These two are the same product: link them.</source>
        <translation>Это один и тот же товар: связать их.</translation>
    </message>
    <message>
        <source>Svyazka creates it on the other side during the next sync.</source>
        <translation>Связка создаст его на другой стороне при следующей синхронизации.</translation>
    </message>
    <message>
        <source>Svyazka stops asking about this one.</source>
        <translation>Связка больше не будет спрашивать об этом.</translation>
    </message>
    <message>
        <source>Forget the decision and ask again.</source>
        <translation>Забыть решение и спросить снова.</translation>
    </message>
    <message>
        <source>The next sync writes RetailCRM&apos;s order (status and lines) to MoySklad.</source>
        <translation>Следующая синхронизация запишет в МойСклад заказ из RetailCRM (статус и строки).</translation>
    </message>
    <message>
        <source>MoySklad&apos;s lines stay; the next sync sends only the status.</source>
        <translation>Строки МойСклад останутся; следующая синхронизация передаст только статус.</translation>
    </message>
    <message>
        <source>Choose the counterparty to use, or let Svyazka create a new one.</source>
        <translation>Выберите контрагента или позвольте Связке создать нового.</translation>
    </message>
    <message>
        <source>Choose one item on each side to keep, or ignore the conflict.</source>
        <translation>Выберите по одному товару с каждой стороны или пропустите конфликт.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохраняю…</translation>
    </message>
</context>
<context>
    <name>ConflictTableModel</name>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что случилось</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Замечен</translation>
    </message>
</context>
<context>
    <name>ConflictsReviewDialog</name>
    <message>
        <source>Conflicts found by the dry run</source>
        <translation>Конфликты, найденные пробным запуском</translation>
    </message>
</context>
<context>
    <name>ConflictsTab</name>
    <message>
        <source>Need a decision</source>
        <translation>Ждут решения</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>Решено</translation>
    </message>
    <message>
        <source>Ignored</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Decide…</source>
        <translation>Решить…</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>Выбрать все</translation>
    </message>
    <message>
        <source>Ignore selected</source>
        <translation>Пропустить выбранные</translation>
    </message>
    <message>
        <source>Create selected on the other side</source>
        <translation>Создать выбранные на другой стороне</translation>
    </message>
    <message>
        <source>Reopen selected</source>
        <translation>Вернуть выбранные на решение</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <source>Decisions are remembered and applied on the next sync. Double-click a line to see both sides.</source>
        <translation>Решения запоминаются и применяются при следующей синхронизации. Дважды щёлкните строку, чтобы увидеть обе стороны.</translation>
    </message>
    <message>
        <source>All kinds ({count})</source>
        <translation>Все виды ({count})</translation>
    </message>
    <message>
        <source>No conflicts here. Everything that could be paired is paired.</source>
        <translation>Здесь конфликтов нет: всё, что можно было сопоставить, сопоставлено.</translation>
    </message>
    <message>
        <source>Nothing to show.</source>
        <translation>Здесь пусто.</translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s).</source>
        <translation>
            <numerusform>%n конфликт.</numerusform>
            <numerusform>%n конфликта.</numerusform>
            <numerusform>%n конфликтов.</numerusform>
        </translation>
    </message>
    <message>
        <source>Decision saved. It applies on the next sync.</source>
        <translation>Решение сохранено. Оно применится при следующей синхронизации.</translation>
    </message>
    <message numerus="yes">
        <source>Saved for %n conflict(s). The decisions apply on the next sync.</source>
        <translation>
            <numerusform>Сохранено для %n конфликта. Решения применятся при следующей синхронизации.</numerusform>
            <numerusform>Сохранено для %n конфликтов. Решения применятся при следующей синхронизации.</numerusform>
            <numerusform>Сохранено для %n конфликтов. Решения применятся при следующей синхронизации.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Stopped. Everything written so far is saved.</source>
        <translation>Остановлено. Всё, что успело записаться, сохранено.</translation>
    </message>
    <message>
        <source>The system reported an error: {error}. Check the disk and the network and try again.</source>
        <translation>Система сообщила об ошибке: {error}. Проверьте диск и сеть и попробуйте ещё раз.</translation>
    </message>
    <message>
        <source>Something unexpected went wrong inside Svyazka. Nothing was lost: try again, and if it happens again, send us the log file from the Svyazka data folder.</source>
        <translation>Внутри Связки случилась непредвиденная ошибка. Ничего не потеряно: попробуйте ещё раз, а если ошибка повторится, пришлите нам файл журнала из папки данных Связки.</translation>
    </message>
    <message>
        <source>Svyazka</source>
        <translation>Связка</translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <source>Match key and a dry run</source>
        <translation>Ключ сопоставления и пробный запуск</translation>
    </message>
    <message>
        <source>How products are paired, and what the first sync would do. Nothing is written to the services.</source>
        <translation>Как сопоставлять товары и что сделала бы первая синхронизация. В сервисы ничего не записывается.</translation>
    </message>
    <message>
        <source>Offer article</source>
        <translation>Артикул предложения</translation>
    </message>
    <message>
        <source>Offer xmlId</source>
        <translation>xmlId предложения</translation>
    </message>
    <message>
        <source>Offer externalId</source>
        <translation>externalId предложения</translation>
    </message>
    <message>
        <source>Offer barcode</source>
        <translation>Штрихкод предложения</translation>
    </message>
    <message>
        <source>Offer property</source>
        <translation>Свойство предложения</translation>
    </message>
    <message>
        <source>property code, e.g. code</source>
        <translation>код свойства, например code</translation>
    </message>
    <message>
        <source>Pair products by</source>
        <translation>Сопоставлять товары по</translation>
    </message>
    <message>
        <source>Compared with RetailCRM</source>
        <translation>Сравнивать с полем RetailCRM</translation>
    </message>
    <message>
        <source>Run the dry run again</source>
        <translation>Повторить пробный запуск</translation>
    </message>
    <message>
        <source>Review conflicts…</source>
        <translation>Разобрать конфликты…</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Раздел</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Будет создано</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Будет обновлено</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>Без изменений</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Будет пропущено</translation>
    </message>
    <message>
        <source>The MoySklad article meets the RetailCRM article. MoySklad variants have no article, so their code is used instead. The usual choice.</source>
        <translation>Артикул МойСклад сравнивается с артикулом RetailCRM. У модификаций МойСклад артикула нет, поэтому для них берётся код. Обычный выбор.</translation>
    </message>
    <message>
        <source>The MoySklad code. RetailCRM&apos;s own MoySklad module keeps it in the offer property «code»: choose that field when the RetailCRM catalog came from the module.</source>
        <translation>Код МойСклад. Модуль МойСклад самой RetailCRM хранит его в свойстве предложения «code»: выберите это поле, если каталог RetailCRM пришёл из этого модуля.</translation>
    </message>
    <message>
        <source>The MoySklad external code meets the RetailCRM xmlId: right when the RetailCRM catalog was loaded from MoySklad before.</source>
        <translation>Внешний код МойСклад сравнивается с xmlId в RetailCRM: подходит, если каталог RetailCRM раньше загружался из МойСклад.</translation>
    </message>
    <message>
        <source>Barcodes on both sides. Only for shops where every item has its own barcode.</source>
        <translation>Штрихкоды с обеих сторон. Только для магазинов, где у каждого товара свой штрихкод.</translation>
    </message>
    <message>
        <source>A property code has only letters, digits, «_», «-» and «.», without spaces.</source>
        <translation>Код свойства состоит только из букв, цифр, «_», «-» и «.», без пробелов.</translation>
    </message>
    <message>
        <source>Reading both catalogs…</source>
        <translation>Читаю оба каталога…</translation>
    </message>
    <message>
        <source>Counting the items this key pairs…</source>
        <translation>Считаю, сколько товаров совпадает по этому ключу…</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>проверка</translation>
    </message>
    <message>
        <source>writing</source>
        <translation>запись</translation>
    </message>
    <message>
        <source>done</source>
        <translation>готово</translation>
    </message>
    <message>
        <source>pairs found</source>
        <translation>пар найдено</translation>
    </message>
    <message>
        <source>only in MoySklad</source>
        <translation>только в МойСклад</translation>
    </message>
    <message>
        <source>only in RetailCRM</source>
        <translation>только в RetailCRM</translation>
    </message>
    <message>
        <source>duplicate SKUs</source>
        <translation>дублей артикула</translation>
    </message>
    <message numerus="yes">
        <source>Found %n pair(s)</source>
        <translation>
            <numerusform>Найдена %n пара</numerusform>
            <numerusform>Найдено %n пары</numerusform>
            <numerusform>Найдено %n пар</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n only in MoySklad</source>
        <translation>
            <numerusform>%n только в МойСклад</numerusform>
            <numerusform>%n только в МойСклад</numerusform>
            <numerusform>%n только в МойСклад</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n only in RetailCRM</source>
        <translation>
            <numerusform>%n только в RetailCRM</numerusform>
            <numerusform>%n только в RetailCRM</numerusform>
            <numerusform>%n только в RetailCRM</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate SKU(s)</source>
        <translation>
            <numerusform>%n дубль артикула</numerusform>
            <numerusform>%n дубля артикула</numerusform>
            <numerusform>%n дублей артикула</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) would go to MoySklad.</source>
        <translation>
            <numerusform>%n заказ ушёл бы в МойСклад.</numerusform>
            <numerusform>%n заказа ушли бы в МойСклад.</numerusform>
            <numerusform>%n заказов ушли бы в МойСклад.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Review the conflicts before the first sync: %n need(s) a decision.</source>
        <translation>
            <numerusform>Разберите конфликты до первой синхронизации: %n ждёт решения.</numerusform>
            <numerusform>Разберите конфликты до первой синхронизации: %n ждут решения.</numerusform>
            <numerusform>Разберите конфликты до первой синхронизации: %n ждут решения.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Matched by this key: {matched} of %n MoySklad item(s)</source>
        <translation>
            <numerusform>Совпало по этому ключу: {matched} из %n товара МойСклад</numerusform>
            <numerusform>Совпало по этому ключу: {matched} из %n товаров МойСклад</numerusform>
            <numerusform>Совпало по этому ключу: {matched} из %n товаров МойСклад</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>RetailCRM has %n active offer(s).</source>
        <translation>
            <numerusform>в RetailCRM %n активное предложение.</numerusform>
            <numerusform>в RetailCRM %n активных предложения.</numerusform>
            <numerusform>в RetailCRM %n активных предложений.</numerusform>
        </translation>
    </message>
    <message>
        <source>Fewer than half pair: try another key or RetailCRM field.</source>
        <translation>Совпало меньше половины: попробуйте другой ключ или другое поле RetailCRM.</translation>
    </message>
    <message>
        <source>Some figures look wrong (see below): the first sync will stop before writing and ask.</source>
        <translation>Некоторые числа выглядят неправильно (см. ниже): первая синхронизация остановится перед записью и спросит.</translation>
    </message>
    <message>
        <source>not finished</source>
        <translation>не завершено</translation>
    </message>
    <message>
        <source>Run the dry run again (decisions changed)</source>
        <translation>Повторить пробный запуск (решения изменились)</translation>
    </message>
    <message>
        <source>Run the dry run first: it shows what the first sync would do.</source>
        <translation>Сначала выполните пробный запуск: он покажет, что сделает первая синхронизация.</translation>
    </message>
</context>
<context>
    <name>HistoryTab</name>
    <message>
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>How</source>
        <translation>Как запущена</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Итог</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Изменений</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Ошибок</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Конфликтов</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Длилась</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Сводка</translation>
    </message>
    <message>
        <source>Show this run&apos;s journal</source>
        <translation>Показать журнал этого запуска</translation>
    </message>
    <message>
        <source>Click a bar or a line to pick a run.</source>
        <translation>Щёлкните столбец или строку, чтобы выбрать запуск.</translation>
    </message>
    <message>
        <source>{time}: {status}, changes {changes}, errors {errors}</source>
        <translation>{time}: {status}, изменений {changes}, ошибок {errors}</translation>
    </message>
    <message>
        <source>(dry run)</source>
        <translation>(пробный запуск)</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} мин {s} с</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} с</translation>
    </message>
</context>
<context>
    <name>ItemCard</name>
    <message>
        <source>Keep this one</source>
        <translation>Оставить этот</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>Артикул</translation>
    </message>
    <message>
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Waiting orders</source>
        <translation>Ждут заказы</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>Номер заказа</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>Причины</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>External code</source>
        <translation>Внешний код</translation>
    </message>
    <message>
        <source>XML id</source>
        <translation>xmlId</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Штрихкод</translation>
    </message>
    <message>
        <source>Characteristics</source>
        <translation>Характеристики</translation>
    </message>
    <message>
        <source>Prices</source>
        <translation>Цены</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Purchase price</source>
        <translation>Закупочная цена</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>Остаток</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Где</translation>
    </message>
    <message>
        <source>Linked to</source>
        <translation>Связан с</translation>
    </message>
    <message>
        <source>nothing yet</source>
        <translation>пока ни с чем</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Идентификатор</translation>
    </message>
    <message>
        <source>MoySklad, counterparty</source>
        <translation>МойСклад, контрагент</translation>
    </message>
    <message>
        <source>RetailCRM, customer</source>
        <translation>RetailCRM, клиент</translation>
    </message>
    <message>
        <source>MoySklad</source>
        <translation>МойСклад</translation>
    </message>
    <message>
        <source>RetailCRM</source>
        <translation>RetailCRM</translation>
    </message>
    <message>
        <source>variant</source>
        <translation>модификация</translation>
    </message>
    <message>
        <source>product</source>
        <translation>товар</translation>
    </message>
    <message>
        <source>MoySklad, {kind}</source>
        <translation>МойСклад, {kind}</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>в архиве</translation>
    </message>
    <message>
        <source>shop {site}</source>
        <translation>магазин {site}</translation>
    </message>
    <message>
        <source>inactive</source>
        <translation>неактивно</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Catalog</source>
        <translation>Каталог</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>Остатки</translation>
    </message>
    <message>
        <source>Prices</source>
        <translation>Цены</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Заказы</translation>
    </message>
    <message>
        <source>Statuses</source>
        <translation>Статусы</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Общее</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Подробность</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Сведения</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Предупреждение</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <source>Duplicate SKU</source>
        <translation>Дубль артикула</translation>
    </message>
    <message>
        <source>Only in MoySklad</source>
        <translation>Только в МойСклад</translation>
    </message>
    <message>
        <source>Only in RetailCRM</source>
        <translation>Только в RetailCRM</translation>
    </message>
    <message>
        <source>Match archived in MoySklad</source>
        <translation>Пара в архиве МойСклад</translation>
    </message>
    <message>
        <source>Order line without a product</source>
        <translation>Строка заказа без товара</translation>
    </message>
    <message>
        <source>Status without a pair</source>
        <translation>Статус без пары</translation>
    </message>
    <message>
        <source>Warehouse without a pair</source>
        <translation>Склад без пары</translation>
    </message>
    <message>
        <source>Customer found twice</source>
        <translation>Клиент найден дважды</translation>
    </message>
    <message>
        <source>Data a service refused</source>
        <translation>Данные, отклонённые сервисом</translation>
    </message>
    <message>
        <source>Required MoySklad field not filled</source>
        <translation>Не заполнено обязательное поле МойСклад</translation>
    </message>
    <message>
        <source>Order changed on both sides</source>
        <translation>Заказ изменён с обеих сторон</translation>
    </message>
    <message>
        <source>Needs a decision</source>
        <translation>Ждёт решения</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>Решено</translation>
    </message>
    <message>
        <source>Ignored</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <source>Keep the chosen ones</source>
        <translation>Оставить выбранные</translation>
    </message>
    <message>
        <source>Link these two</source>
        <translation>Связать эти два</translation>
    </message>
    <message>
        <source>Create on the other side</source>
        <translation>Создать на другой стороне</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Пропустить</translation>
    </message>
    <message>
        <source>Keep as in RetailCRM</source>
        <translation>Оставить как в RetailCRM</translation>
    </message>
    <message>
        <source>Keep as in MoySklad</source>
        <translation>Оставить как в МойСклад</translation>
    </message>
    <message>
        <source>Gone by itself</source>
        <translation>Исчез сам</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Идёт</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Готово</translation>
    </message>
    <message>
        <source>Done with remarks</source>
        <translation>Готово с замечаниями</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Не удалось</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Остановлено</translation>
    </message>
    <message>
        <source>Stopped by the check before writing</source>
        <translation>Остановлено проверкой перед записью</translation>
    </message>
    <message>
        <source>By hand</source>
        <translation>Вручную</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>По расписанию</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>Командная строка</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>Настройка</translation>
    </message>
    <message>
        <source>System schedule</source>
        <translation>По расписанию системы</translation>
    </message>
    <message>
        <source>Article (SKU)</source>
        <translation>Артикул</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>External code</source>
        <translation>Внешний код</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Штрихкод</translation>
    </message>
</context>
<context>
    <name>LogTab</name>
    <message>
        <source>Everything</source>
        <translation>Всё</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Сведения и важнее</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Предупреждения и ошибки</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Только ошибки</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>Все разделы</translation>
    </message>
    <message>
        <source>All runs</source>
        <translation>Все запуски</translation>
    </message>
    <message>
        <source>Search: order number, SKU, words…</source>
        <translation>Поиск: номер заказа, артикул, слова…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Copy the selected lines (Ctrl+C)</source>
        <translation>Скопировать выбранные строки (Ctrl+C)</translation>
    </message>
    <message>
        <source>Export to CSV…</source>
        <translation>Сохранить в CSV…</translation>
    </message>
    <message>
        <source>No lines yet. They appear here as soon as a sync runs.</source>
        <translation>Записей пока нет. Они появятся здесь, как только пройдёт синхронизация.</translation>
    </message>
    <message>
        <source>{time} · {trigger} · {status}</source>
        <translation>{time} · {trigger} · {status}</translation>
    </message>
    <message>
        <source>(dry run)</source>
        <translation>(пробный запуск)</translation>
    </message>
    <message>
        <source>Run #{id}</source>
        <translation>Запуск №{id}</translation>
    </message>
    <message>
        <source>Select the lines to copy first.</source>
        <translation>Сначала выберите строки, которые нужно скопировать.</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n line(s).</source>
        <translation>
            <numerusform>Скопирована %n строка.</numerusform>
            <numerusform>Скопированы %n строки.</numerusform>
            <numerusform>Скопировано %n строк.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the journal</source>
        <translation>Сохранить журнал</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Ссылка</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Сохраняю…</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n line(s) to {path}.</source>
        <translation>
            <numerusform>Сохранена %n строка в {path}.</numerusform>
            <numerusform>Сохранены %n строки в {path}.</numerusform>
            <numerusform>Сохранено %n строк в {path}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open in the service</source>
        <translation>Открыть в сервисе</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) match the filters.</source>
        <translation>
            <numerusform>Под фильтры подходит %n строка.</numerusform>
            <numerusform>Под фильтры подходят %n строки.</numerusform>
            <numerusform>Под фильтры подходит %n строк.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LogTableModel</name>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Важность</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Раздел</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Что произошло</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Объект</translation>
    </message>
    <message>
        <source>Open in the service: {url}</source>
        <translation>Открыть в сервисе: {url}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Journal</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Конфликты</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>Сверка</translation>
    </message>
    <message>
        <source>Schedule and settings</source>
        <translation>Расписание и настройки</translation>
    </message>
    <message>
        <source>Demo mode: both services run on this computer; nothing touches real data.</source>
        <translation>Демо-режим: оба сервиса работают на этом компьютере, настоящие данные не затрагиваются.</translation>
    </message>
    <message>
        <source>&amp;Svyazka</source>
        <translation>&amp;Связка</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <source>Connection settings…</source>
        <translation>Настройки подключения…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>Send a report to the developers…</source>
        <translation>Отправить отчёт разработчикам…</translation>
    </message>
    <message>
        <source>About Svyazka</source>
        <translation>О Связке</translation>
    </message>
    <message>
        <source>A sync is already running.</source>
        <translation>Синхронизация уже идёт.</translation>
    </message>
    <message>
        <source>Conflicts ({count})</source>
        <translation>Конфликты ({count})</translation>
    </message>
    <message>
        <source>A sync is running</source>
        <translation>Идёт синхронизация</translation>
    </message>
    <message>
        <source>A sync is running. Stop it after the current batch and quit?</source>
        <translation>Идёт синхронизация. Остановить её после текущей порции и выйти?</translation>
    </message>
    <message>
        <source>Report for the developers</source>
        <translation>Отчёт для разработчиков</translation>
    </message>
    <message>
        <source>Svyazka could not write the report ({error}). Free some disk space or check the rights to the data folder, then try again.</source>
        <translation>Связка не смогла записать отчёт ({error}). Освободите место на диске или проверьте права на папку данных и попробуйте ещё раз.</translation>
    </message>
    <message>
        <source>Svyazka {version} keeps RetailCRM and MoySklad in sync. Every change is written to the journal; keys are kept only in your system&apos;s password storage.</source>
        <translation>Связка {version} синхронизирует RetailCRM и МойСклад. Каждое изменение записывается в журнал; ключи хранятся только в системном хранилище паролей.</translation>
    </message>
</context>
<context>
    <name>MoySkladPage</name>
    <message>
        <source>MoySklad</source>
        <translation>МойСклад</translation>
    </message>
    <message>
        <source>Where your products, stock and prices live.</source>
        <translation>Где живут ваши товары, остатки и цены.</translation>
    </message>
    <message>
        <source>I have an API token</source>
        <translation>У меня есть токен API</translation>
    </message>
    <message>
        <source>Sign in with login and password</source>
        <translation>Войти по логину и паролю</translation>
    </message>
    <message>
        <source>Paste the token here</source>
        <translation>Вставьте токен сюда</translation>
    </message>
    <message>
        <source>Where to find the token: in MoySklad open Settings → Users → your user → Access tokens, create a token and copy it here.</source>
        <translation>Где взять токен: в МойСклад откройте Настройки → Пользователи → ваш пользователь → Токены доступа, создайте токен и скопируйте его сюда.</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Change it only for a test server.</source>
        <translation>Меняйте, только если подключаетесь к тестовому серверу.</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <source>Check connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Paste the MoySklad token, or choose to sign in with login and password.</source>
        <translation>Вставьте токен МойСклад или выберите вход по логину и паролю.</translation>
    </message>
    <message>
        <source>Enter the MoySklad login (it looks like name@account) and the password.</source>
        <translation>Введите логин МойСклад (он выглядит как имя@аккаунт) и пароль.</translation>
    </message>
    <message>
        <source>Getting a token and checking…</source>
        <translation>Получаю токен и проверяю…</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Проверяю…</translation>
    </message>
    <message>
        <source>the token&apos;s user</source>
        <translation>пользователь токена</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>Organizations: {names}</source>
        <translation>Юрлица: {names}</translation>
    </message>
    <message>
        <source>Warehouses: {stores}; price types: {prices}; order statuses: {states}</source>
        <translation>Складов: {stores}; типов цен: {prices}; статусов заказов: {states}</translation>
    </message>
    <message>
        <source>Login: {login}</source>
        <translation>Логин: {login}</translation>
    </message>
    <message>
        <source>Connected as {who}.</source>
        <translation>Подключено: {who}.</translation>
    </message>
</context>
<context>
    <name>OrderFieldsTable</name>
    <message>
        <source>MoySklad order fields (additional fields) are filled from:</source>
        <translation>Поля заказа МойСклад (дополнительные поля) заполняются из:</translation>
    </message>
    <message>
        <source>MoySklad field</source>
        <translation>Поле МойСклад</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Обязательное</translation>
    </message>
    <message>
        <source>Filled from</source>
        <translation>Чем заполнять</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>Delivery type</source>
        <translation>Тип доставки</translation>
    </message>
    <message>
        <source>Payment type</source>
        <translation>Тип оплаты</translation>
    </message>
    <message>
        <source>Order method</source>
        <translation>Способ оформления</translation>
    </message>
    <message>
        <source>Shop (site)</source>
        <translation>Магазин (сайт)</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>Номер заказа</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>do not fill</source>
        <translation>не заполнять</translation>
    </message>
    <message>
        <source>Value:</source>
        <translation>Значение:</translation>
    </message>
    <message>
        <source>the value every order gets</source>
        <translation>значение, которое получит каждый заказ</translation>
    </message>
</context>
<context>
    <name>OrderLifePage</name>
    <message>
        <source>After the order</source>
        <translation>После оформления</translation>
    </message>
    <message>
        <source>What follows an order in MoySklad: returns, payments, MoySklad&apos;s own order fields, and statuses changed in MoySklad.</source>
        <translation>Что происходит с заказом в МойСклад дальше: возвраты, оплаты, дополнительные поля заказа и статусы, изменённые в МойСклад.</translation>
    </message>
    <message>
        <source>Return the goods to the warehouse (a sales return) when a shipped order moves to:</source>
        <translation>Возвращать товар на склад (возврат покупателя), когда отгруженный заказ переходит в статус:</translation>
    </message>
    <message>
        <source>RetailCRM payment type</source>
        <translation>Тип оплаты RetailCRM</translation>
    </message>
    <message>
        <source>Document in MoySklad</source>
        <translation>Документ в МойСклад</translation>
    </message>
    <message>
        <source>Paid payments go to MoySklad as:</source>
        <translation>Оплаченные платежи передаются в МойСклад как:</translation>
    </message>
    <message>
        <source>Pass status changes made in MoySklad back to RetailCRM</source>
        <translation>Передавать в RetailCRM статусы, изменённые в МойСклад</translation>
    </message>
    <message>
        <source>A MoySklad status brings back the RetailCRM status mapped to it on the orders page.</source>
        <translation>Статус МойСклад возвращает в RetailCRM статус, сопоставленный ему на странице «Заказы».</translation>
    </message>
    <message>
        <source>An order the warehouse ships in MoySklad itself gets the RetailCRM status</source>
        <translation>Заказу, который склад отгрузил в МойСклад сам, ставить в RetailCRM статус</translation>
    </message>
    <message>
        <source>Statuses from MoySklad</source>
        <translation>Статусы из МойСклад</translation>
    </message>
    <message>
        <source>— do not change —</source>
        <translation>— не менять —</translation>
    </message>
    <message>
        <source>Incoming payment</source>
        <translation>Входящий платёж</translation>
    </message>
    <message>
        <source>Cash receipt</source>
        <translation>Приходный ордер</translation>
    </message>
    <message>
        <source>Do not send</source>
        <translation>Не передавать</translation>
    </message>
    <message>
        <source>Fix these before going on:</source>
        <translation>Исправьте, прежде чем продолжить:</translation>
    </message>
    <message>
        <source>The MoySklad field «{name}» is required: choose what fills it, or orders will wait.</source>
        <translation>Поле МойСклад «{name}» обязательное: выберите, чем его заполнять, иначе заказы будут ждать.</translation>
    </message>
</context>
<context>
    <name>OrdersPage</name>
    <message>
        <source>Orders</source>
        <translation>Заказы</translation>
    </message>
    <message>
        <source>When an order goes to MoySklad, and which MoySklad status each RetailCRM status means.</source>
        <translation>Когда заказ уходит в МойСклад и какому статусу МойСклад соответствует каждый статус RetailCRM.</translation>
    </message>
    <message>
        <source>Send orders to MoySklad in these statuses:</source>
        <translation>Выгружать в МойСклад заказы в статусах:</translation>
    </message>
    <message>
        <source>RetailCRM status</source>
        <translation>Статус RetailCRM</translation>
    </message>
    <message>
        <source>MoySklad status</source>
        <translation>Статус МойСклад</translation>
    </message>
    <message>
        <source>Status mapping (rows in colour have no MoySklad status yet):</source>
        <translation>Соответствие статусов (цветом выделены строки без статуса МойСклад):</translation>
    </message>
    <message>
        <source>RetailCRM shop</source>
        <translation>Магазин RetailCRM</translation>
    </message>
    <message>
        <source>Create the shipment in MoySklad at</source>
        <translation>Создавать отгрузку в МойСклад в статусе</translation>
    </message>
    <message>
        <source>Status group: {group}</source>
        <translation>Группа статусов: {group}</translation>
    </message>
    <message>
        <source>— no status —</source>
        <translation>— нет статуса —</translation>
    </message>
    <message>
        <source>— do not create shipments —</source>
        <translation>— не создавать отгрузки —</translation>
    </message>
    <message>
        <source>Orders in this status are exported but it has no MoySklad status: they would wait.</source>
        <translation>Заказы в этом статусе выгружаются, но статус МойСклад для него не выбран: такие заказы будут ждать.</translation>
    </message>
    <message>
        <source>No MoySklad status: a change to this status is not passed on.</source>
        <translation>Нет статуса МойСклад: переход в этот статус не передаётся.</translation>
    </message>
    <message>
        <source>Fix these before going on:</source>
        <translation>Исправьте, прежде чем продолжить:</translation>
    </message>
    <message>
        <source>Worth a look:</source>
        <translation>Стоит проверить:</translation>
    </message>
</context>
<context>
    <name>PricesPage</name>
    <message>
        <source>Prices</source>
        <translation>Цены</translation>
    </message>
    <message>
        <source>Pair the price types: MoySklad&apos;s price goes into the RetailCRM price type you choose.</source>
        <translation>Сопоставьте типы цен: цена из МойСклад попадёт в выбранный тип цены RetailCRM.</translation>
    </message>
    <message>
        <source>MoySklad price type</source>
        <translation>Тип цены МойСклад</translation>
    </message>
    <message>
        <source>RetailCRM price type</source>
        <translation>Тип цены RetailCRM</translation>
    </message>
    <message>
        <source>Prices are sent from MoySklad to RetailCRM. A price type left without a pair is not sent; the purchase price is sent with the stock.</source>
        <translation>Цены передаются из МойСклад в RetailCRM. Тип цены без пары не передаётся; закупочная цена уходит вместе с остатками.</translation>
    </message>
    <message>
        <source>— not sent —</source>
        <translation>— не передавать —</translation>
    </message>
    <message>
        <source>Choose a RetailCRM price type for at least one MoySklad price type.</source>
        <translation>Выберите тип цены RetailCRM хотя бы для одного типа цены МойСклад.</translation>
    </message>
    <message>
        <source>The RetailCRM price type «{price}» is chosen twice. Each RetailCRM price type takes one MoySklad price: choose another one for one of the rows.</source>
        <translation>Тип цены RetailCRM «{price}» выбран дважды. В каждый тип цены RetailCRM попадает одна цена МойСклад: выберите другой тип для одной из строк.</translation>
    </message>
</context>
<context>
    <name>RetailCrmPage</name>
    <message>
        <source>RetailCRM</source>
        <translation>RetailCRM</translation>
    </message>
    <message>
        <source>Where your orders live. Svyazka needs the account address and an API key.</source>
        <translation>Где живут ваши заказы. Связке нужны адрес аккаунта и API-ключ.</translation>
    </message>
    <message>
        <source>Paste the API key here</source>
        <translation>Вставьте API-ключ сюда</translation>
    </message>
    <message>
        <source>Where to find the key: in RetailCRM open {path}, add a key, tick every permission and allow access to all shops, then copy it here.</source>
        <translation>Где взять ключ: в RetailCRM откройте {path}, добавьте ключ, отметьте все права и доступ ко всем магазинам, затем скопируйте его сюда.</translation>
    </message>
    <message>
        <source>Check connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Account address</source>
        <translation>Адрес аккаунта</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-ключ</translation>
    </message>
    <message>
        <source>Enter the address of your RetailCRM account, for example https://myshop.retailcrm.ru</source>
        <translation>Введите адрес вашего аккаунта RetailCRM, например https://myshop.retailcrm.ru</translation>
    </message>
    <message>
        <source>Paste the API key. Where to find it: {path}.</source>
        <translation>Вставьте API-ключ. Где его взять: {path}.</translation>
    </message>
    <message>
        <source>Checking the key…</source>
        <translation>Проверяю ключ…</translation>
    </message>
    <message>
        <source>read orders</source>
        <translation>чтение заказов</translation>
    </message>
    <message>
        <source>create and change orders</source>
        <translation>создание и изменение заказов</translation>
    </message>
    <message>
        <source>read customers</source>
        <translation>чтение клиентов</translation>
    </message>
    <message>
        <source>create customers</source>
        <translation>создание клиентов</translation>
    </message>
    <message>
        <source>read references: shops, statuses, warehouses</source>
        <translation>чтение справочников: магазины, статусы, склады</translation>
    </message>
    <message>
        <source>read the catalog and stock</source>
        <translation>чтение каталога и остатков</translation>
    </message>
    <message>
        <source>send stock, prices and products</source>
        <translation>передача остатков, цен и товаров</translation>
    </message>
    <message>
        <source>Missing: {scope}</source>
        <translation>Не хватает: {scope}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>Shops: {sites}</source>
        <translation>Магазины: {sites}</translation>
    </message>
    <message>
        <source>Warehouses: {stores}; price types: {prices}; order statuses: {statuses}</source>
        <translation>Складов: {stores}; типов цен: {prices}; статусов заказов: {statuses}</translation>
    </message>
    <message>
        <source>Every permission Svyazka needs is granted.</source>
        <translation>Все права, которые нужны Связке, у ключа есть.</translation>
    </message>
    <message>
        <source>Connected to {url}.</source>
        <translation>Подключено к {url}.</translation>
    </message>
</context>
<context>
    <name>RunChart</name>
    <message>
        <source>The chart appears after the first run.</source>
        <translation>График появится после первого запуска.</translation>
    </message>
    <message>
        <source>No errors in these runs.</source>
        <translation>В этих запусках ошибок не было.</translation>
    </message>
    <message>
        <source>Changes per run (light blue: dry runs)</source>
        <translation>Изменений за запуск (голубым — пробные запуски)</translation>
    </message>
    <message>
        <source>Errors per run</source>
        <translation>Ошибок за запуск</translation>
    </message>
</context>
<context>
    <name>SafetyDialog</name>
    <message>
        <source>Check before writing</source>
        <translation>Проверка перед записью</translation>
    </message>
    <message>
        <source>Before writing «{flow}», Svyazka found figures that usually mean a wrong setting or a failed read:</source>
        <translation>Перед записью потока «{flow}» Связка нашла числа, которые обычно означают неверную настройку или сбой чтения:</translation>
    </message>
    <message>
        <source>Write anyway</source>
        <translation>Всё равно записать</translation>
    </message>
    <message>
        <source>Don&apos;t write, I will check</source>
        <translation>Не записывать, я проверю</translation>
    </message>
</context>
<context>
    <name>ScheduleTab</name>
    <message>
        <source>Sync automatically</source>
        <translation>Синхронизировать автоматически</translation>
    </message>
    <message>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <source>Update stock more often</source>
        <translation>Обновлять остатки чаще</translation>
    </message>
    <message>
        <source>A full sync moves the catalog, stock, prices and orders. The stock update only sends stock to RetailCRM, so it is quick and can run more often. A run that would start while another one is still going is skipped, not queued.</source>
        <translation>Полная синхронизация передаёт каталог, остатки, цены и заказы. Обновление остатков передаёт в RetailCRM только остатки, поэтому оно быстрое и может идти чаще. Запуск, который пришёлся бы на ещё идущий, пропускается, а не ставится в очередь.</translation>
    </message>
    <message>
        <source>Automatic sync</source>
        <translation>Автоматическая синхронизация</translation>
    </message>
    <message>
        <source>Full sync every</source>
        <translation>Полная синхронизация каждые</translation>
    </message>
    <message>
        <source>Stock update every</source>
        <translation>Обновление остатков каждые</translation>
    </message>
    <message>
        <source>Keep running in the tray when the window is closed</source>
        <translation>Продолжать работу в трее, когда окно закрыто</translation>
    </message>
    <message>
        <source>Notify me about failed runs and new conflicts</source>
        <translation>Сообщать о неудачных запусках и новых конфликтах</translation>
    </message>
    <message>
        <source>Window and notifications</source>
        <translation>Окно и уведомления</translation>
    </message>
    <message>
        <source>Alerts by e-mail and Telegram…</source>
        <translation>Оповещения на почту и в Telegram…</translation>
    </message>
    <message>
        <source>Start when I log in (minimized to the tray)</source>
        <translation>Запускать при входе в систему</translation>
    </message>
    <message>
        <source>Sync even when the app is closed</source>
        <translation>Синхронизировать, даже когда приложение закрыто</translation>
    </message>
    <message>
        <source>The system&apos;s scheduler runs the sync at the full sync&apos;s interval even when Svyazka is closed; runs never overlap.</source>
        <translation>Планировщик системы запускает синхронизацию с интервалом полной, даже когда Связка закрыта; запуски не накладываются. При входе в систему Связка открывается свёрнутой в трей.</translation>
    </message>
    <message>
        <source>Without the window</source>
        <translation>Без окна</translation>
    </message>
    <message>
        <source>Change connection settings…</source>
        <translation>Изменить настройки подключения…</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Подключение</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Not available in the demo.</source>
        <translation>В демо-режиме недоступно.</translation>
    </message>
    <message>
        <source>RetailCRM: {rc}
MoySklad: {ms} ({account})
Organization: {org}
Warehouses paired: {pairs}. Match key: {key}.</source>
        <translation>RetailCRM: {rc}
МойСклад: {ms} ({account})
Юрлицо: {org}
Сопоставлено складов: {pairs}. Ключ сопоставления: {key}.</translation>
    </message>
    <message>
        <source>Keys are kept in: {where}.</source>
        <translation>Ключи хранятся в: {where}.</translation>
    </message>
    <message>
        <source>Off.</source>
        <translation>Выключено.</translation>
    </message>
    <message>
        <source>On: every {minutes} min ({where}).</source>
        <translation>Включено: каждые {minutes} мин ({where}).</translation>
    </message>
    <message>
        <source>On ({where}).</source>
        <translation>Включено ({where}).</translation>
    </message>
    <message>
        <source>Could not change the start at login</source>
        <translation>Не удалось изменить запуск при входе в систему</translation>
    </message>
    <message>
        <source>Could not change the sync without the window</source>
        <translation>Не удалось изменить синхронизацию без окна</translation>
    </message>
    <message>
        <source>The system did not accept the change: {reason}

Nothing else was changed; the boxes show what is set now.</source>
        <translation>Система не приняла изменение: {reason}

Больше ничего не изменено; флажки показывают то, что настроено сейчас.</translation>
    </message>
    <message>
        <source>Not saved yet.</source>
        <translation>Ещё не сохранено.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохраняю…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
</context>
<context>
    <name>SecretEdit</name>
    <message>
        <source>Show or hide</source>
        <translation>Показать или скрыть</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Svyazka setup</source>
        <translation>Настройка Связки</translation>
    </message>
    <message>
        <source>Svyazka connection settings</source>
        <translation>Настройки подключения Связки</translation>
    </message>
    <message>
        <source>Finish and save</source>
        <translation>Готово, сохранить</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохраняю…</translation>
    </message>
    <message>
        <source>Close the setup?</source>
        <translation>Закрыть настройку?</translation>
    </message>
    <message>
        <source>What you typed is not saved yet. Close the setup anyway?</source>
        <translation>Введённое ещё не сохранено. Всё равно закрыть настройку?</translation>
    </message>
    <message>
        <source>Password storage unavailable</source>
        <translation>Хранилище паролей недоступно</translation>
    </message>
    <message>
        <source>Keep the keys in memory for this session only?</source>
        <translation>Хранить ключи в памяти только на этот сеанс?</translation>
    </message>
</context>
<context>
    <name>SupportDialog</name>
    <message>
        <source>Report for the developers</source>
        <translation>Отчёт для разработчиков</translation>
    </message>
    <message>
        <source>The report is saved in the file:
{path}</source>
        <translation>Отчёт сохранён в файл:
{path}</translation>
    </message>
    <message>
        <source>What is inside:</source>
        <translation>Что внутри:</translation>
    </message>
    <message>
        <source>{what} — {name}, {size} KB</source>
        <translation>{what} — {name}, {size} КБ</translation>
    </message>
    <message>
        <source>Keys, tokens, e-mails, phone numbers and the names of customers and counterparties are hidden. The values of your data are not in it: only the names and types of the fields the services answer with. Nothing has been sent: send the file to Svyazka&apos;s developers yourself if you agree.</source>
        <translation>Ключи, токены, e-mail, телефоны и имена клиентов и контрагентов скрыты. Значений ваших данных в отчёте нет: только названия и типы полей, которыми отвечают сервисы. Отчёт никуда не отправлен: если согласны, пришлите файл разработчикам Связки сами.</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>The shape of the services&apos; answers (no values)</source>
        <translation>Форма ответов сервисов (без значений)</translation>
    </message>
    <message>
        <source>Technical log</source>
        <translation>Технический журнал</translation>
    </message>
    <message>
        <source>What the report holds</source>
        <translation>Что содержит отчёт</translation>
    </message>
    <message>
        <source>Versions of Svyazka and of the system</source>
        <translation>Версии Связки и системы</translation>
    </message>
    <message>
        <source>Settings, without keys</source>
        <translation>Настройки, без ключей</translation>
    </message>
    <message>
        <source>Results of the last runs</source>
        <translation>Итоги последних запусков</translation>
    </message>
    <message>
        <source>Last lines of the journal</source>
        <translation>Последние строки журнала</translation>
    </message>
</context>
<context>
    <name>SvyazkaApp</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановить</translation>
    </message>
    <message>
        <source>Stops after the current batch; everything written so far is kept.</source>
        <translation>Остановит после текущей порции; всё уже записанное сохранится.</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Готово к работе.</translation>
    </message>
    <message>
        <source>No sync has run yet.</source>
        <translation>Синхронизаций ещё не было.</translation>
    </message>
    <message>
        <source>Automatic sync is off.</source>
        <translation>Автоматическая синхронизация выключена.</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>ожидание</translation>
    </message>
    <message>
        <source>Dry run in progress…</source>
        <translation>Идёт пробный запуск…</translation>
    </message>
    <message>
        <source>Sync in progress…</source>
        <translation>Идёт синхронизация…</translation>
    </message>
    <message>
        <source>not in this run</source>
        <translation>не в этом запуске</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>проверка</translation>
    </message>
    <message>
        <source>writing</source>
        <translation>запись</translation>
    </message>
    <message>
        <source>{stage}: {done} of {total}</source>
        <translation>{stage}: {done} из {total}</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>Останавливаю после текущей порции…</translation>
    </message>
    <message>
        <source>Stopped. Everything written so far is saved.</source>
        <translation>Остановлено. Всё, что успело записаться, сохранено.</translation>
    </message>
    <message>
        <source>Stopped by the check before writing: see the journal.</source>
        <translation>Остановлено проверкой перед записью: см. журнал.</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>Готово.</translation>
    </message>
    <message>
        <source>Finished with remarks: see the journal.</source>
        <translation>Готово, но есть замечания: см. журнал.</translation>
    </message>
    <message>
        <source>not finished</source>
        <translation>не завершено</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>остановлено</translation>
    </message>
    <message>
        <source>done</source>
        <translation>готово</translation>
    </message>
    <message>
        <source>Last run {time} ({trigger}): {status}. {message}</source>
        <translation>Последний запуск {time} ({trigger}): {status}. {message}</translation>
    </message>
    <message>
        <source>Next full sync at {time}.</source>
        <translation>Следующая полная синхронизация в {time}.</translation>
    </message>
    <message>
        <source>Next stock update at {time}.</source>
        <translation>Следующее обновление остатков в {time}.</translation>
    </message>
</context>
<context>
    <name>SyncScheduler</name>
    <message>
        <source>The scheduled stock update was skipped: the previous run is still going.</source>
        <translation>Обновление остатков по расписанию пропущено: предыдущий запуск ещё идёт.</translation>
    </message>
    <message>
        <source>The scheduled sync was skipped: the previous run is still going.</source>
        <translation>Синхронизация по расписанию пропущена: предыдущий запуск ещё идёт.</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Open Svyazka</source>
        <translation>Открыть Связку</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>No sync has run yet.</source>
        <translation>Синхронизаций ещё не было.</translation>
    </message>
    <message>
        <source>Last run {time}: {status}.</source>
        <translation>Последний запуск {time}: {status}.</translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) need a decision.</source>
        <translation>
            <numerusform>%n конфликт ждёт решения.</numerusform>
            <numerusform>%n конфликта ждут решения.</numerusform>
            <numerusform>%n конфликтов ждут решения.</numerusform>
        </translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Синхронизация…</translation>
    </message>
    <message>
        <source>Sync failed</source>
        <translation>Синхронизация не удалась</translation>
    </message>
    <message>
        <source>Sync stopped before writing</source>
        <translation>Синхронизация остановлена перед записью</translation>
    </message>
    <message>
        <source>{message} Check, then run the sync by hand to confirm.</source>
        <translation>{message} Проверьте и запустите синхронизацию вручную, чтобы подтвердить.</translation>
    </message>
    <message>
        <source>New conflicts</source>
        <translation>Новые конфликты</translation>
    </message>
    <message numerus="yes">
        <source>%n new conflict(s) need your decision. Open the Conflicts tab.</source>
        <translation>
            <numerusform>%n новый конфликт ждёт вашего решения. Откройте вкладку «Конфликты».</numerusform>
            <numerusform>%n новых конфликта ждут вашего решения. Откройте вкладку «Конфликты».</numerusform>
            <numerusform>%n новых конфликтов ждут вашего решения. Откройте вкладку «Конфликты».</numerusform>
        </translation>
    </message>
    <message>
        <source>Svyazka keeps syncing on schedule. Open it again from this icon.</source>
        <translation>Связка продолжает синхронизацию по расписанию. Открыть её снова можно через этот значок.</translation>
    </message>
</context>
<context>
    <name>WarehousesPage</name>
    <message>
        <source>Organization and warehouses</source>
        <translation>Юрлицо и склады</translation>
    </message>
    <message>
        <source>Choose whose orders these are and which warehouse&apos;s stock each RetailCRM store shows.</source>
        <translation>Выберите юрлицо для заказов и укажите, остатки какого склада МойСклад показывать на каждом складе RetailCRM.</translation>
    </message>
    <message>
        <source>MoySklad warehouse</source>
        <translation>Склад МойСклад</translation>
    </message>
    <message>
        <source>RetailCRM store</source>
        <translation>Склад RetailCRM</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>Остаток</translation>
    </message>
    <message>
        <source>Free stock</source>
        <translation>Доступный остаток</translation>
    </message>
    <message>
        <source>Which stock RetailCRM shows</source>
        <translation>Какой остаток показывать в RetailCRM</translation>
    </message>
    <message>
        <source>Everything on the shelf.</source>
        <translation>Всё, что лежит на складе.</translation>
    </message>
    <message>
        <source>On the shelf minus what is reserved for orders: nothing is sold twice.</source>
        <translation>Лежащее на складе минус зарезервированное под заказы: ничего не продаётся дважды.</translation>
    </message>
    <message>
        <source>MoySklad (recommended)</source>
        <translation>МойСклад (рекомендуется)</translation>
    </message>
    <message>
        <source>RetailCRM</source>
        <translation>RetailCRM</translation>
    </message>
    <message>
        <source>Where products are kept (master system)</source>
        <translation>Где ведутся товары (главная система)</translation>
    </message>
    <message>
        <source>Products, prices and stock are kept in MoySklad; RetailCRM gets copies.</source>
        <translation>Товары, цены и остатки ведутся в МойСклад, RetailCRM получает копии.</translation>
    </message>
    <message>
        <source>Products start in RetailCRM; Svyazka creates the missing ones in MoySklad.</source>
        <translation>Товары заводятся в RetailCRM; недостающие Связка создаёт в МойСклад.</translation>
    </message>
    <message>
        <source>Write the MoySklad catalog to an ICML file for RetailCRM</source>
        <translation>Записывать каталог МойСклад в файл ICML для RetailCRM</translation>
    </message>
    <message>
        <source>Folder for svyazka-catalog.xml</source>
        <translation>Папка для файла svyazka-catalog.xml</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>Выбрать папку…</translation>
    </message>
    <message>
        <source>Catalog file for RetailCRM (ICML)</source>
        <translation>Файл каталога для RetailCRM (ICML)</translation>
    </message>
    <message>
        <source>After each catalog sync Svyazka writes svyazka-catalog.xml to this folder: products, variants, folders, prices, barcodes. RetailCRM loads it by a link: Administration → Stores → your store → Catalog, loading from ICML. RetailCRM reads the file over the internet, so the folder must be served by a web server (your site or hosting); a folder only on this computer is not enough.</source>
        <translation>После каждой синхронизации каталога Связка записывает в эту папку файл svyazka-catalog.xml: товары, модификации, группы, цены, штрихкоды. RetailCRM загружает его по ссылке: Администрирование → Магазины → ваш магазин → Каталог, загрузка из ICML. RetailCRM скачивает файл через интернет, поэтому папка должна быть доступна по HTTP через веб-сервер (ваш сайт или хостинг): папки только на этом компьютере недостаточно.</translation>
    </message>
    <message>
        <source>Which MoySklad products Svyazka works with</source>
        <translation>С какими товарами МойСклад работает Связка</translation>
    </message>
    <message>
        <source>Uncheck the product folders nobody sells through RetailCRM: their products (subfolders too) are not linked, created or counted. Everything is included by default.</source>
        <translation>Снимите флажки с групп товаров, которые не продаются через RetailCRM: их товары (и товары вложенных групп) не связываются, не создаются и не учитываются. По умолчанию включено всё.</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Юрлицо</translation>
    </message>
    <message>
        <source>— not sent —</source>
        <translation>— не передавать —</translation>
    </message>
    <message>
        <source>Folder for the ICML file</source>
        <translation>Папка для файла ICML</translation>
    </message>
    <message>
        <source>Choose the organization whose orders Svyazka creates in MoySklad.</source>
        <translation>Выберите юрлицо, от которого Связка создаёт заказы в МойСклад.</translation>
    </message>
    <message>
        <source>Choose a RetailCRM store for at least one MoySklad warehouse, or stock cannot be sent.</source>
        <translation>Выберите склад RetailCRM хотя бы для одного склада МойСклад, иначе остатки передавать некуда.</translation>
    </message>
    <message>
        <source>The RetailCRM store «{store}» is chosen for two warehouses. Each store can show the stock of one warehouse: choose another store for one of them.</source>
        <translation>Склад RetailCRM «{store}» выбран для двух складов. Каждый склад RetailCRM показывает остатки одного склада: выберите другой для одного из них.</translation>
    </message>
    <message>
        <source>Choose the folder for the ICML file, or turn the file off.</source>
        <translation>Выберите папку для файла ICML или отключите запись файла.</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Svyazka</source>
        <translation>Добро пожаловать в Связку</translation>
    </message>
    <message>
        <source>Setup takes about five minutes. Nothing is changed until you say so.</source>
        <translation>Настройка займёт около пяти минут. Ничего не изменится без вашего согласия.</translation>
    </message>
    <message>
        <source>Svyazka keeps your RetailCRM and MoySklad in step: orders become customer orders in MoySklad, stock and prices go back to RetailCRM. Every change is written to a journal you can read, duplicate SKUs are shown side by side for you to decide, and your keys are kept only in this computer&apos;s password storage.</source>
        <translation>Связка держит RetailCRM и МойСклад в согласии: заказы становятся заказами покупателей в МойСклад, остатки и цены возвращаются в RetailCRM. Каждое изменение записывается в понятный журнал, дубли артикулов показываются рядом, чтобы решили вы, а ключи хранятся только в хранилище паролей этого компьютера.</translation>
    </message>
    <message>
        <source>What you need:</source>
        <translation>Что понадобится:</translation>
    </message>
    <message>
        <source>an API key of your RetailCRM account (the wizard says where to find it);</source>
        <translation>API-ключ аккаунта RetailCRM (мастер подскажет, где его взять);</translation>
    </message>
    <message>
        <source>a MoySklad token, or the login and password of a MoySklad user;</source>
        <translation>токен МойСклад или логин и пароль пользователя МойСклад;</translation>
    </message>
    <message>
        <source>a few minutes to pair warehouses, prices and order statuses (most are prefilled).</source>
        <translation>несколько минут, чтобы сопоставить склады, цены и статусы заказов (большая часть уже заполнена).</translation>
    </message>
    <message>
        <source>Connect my RetailCRM and MoySklad accounts</source>
        <translation>Подключить мои RetailCRM и МойСклад</translation>
    </message>
    <message>
        <source>Try the demo shop first</source>
        <translation>Сначала попробовать демо-магазин</translation>
    </message>
    <message>
        <source>Both services run on this computer with a made-up shop (with a few duplicate SKUs and an unmapped status on purpose). No accounts are needed and no real data is touched.</source>
        <translation>Оба сервиса работают на этом компьютере с вымышленным магазином (в нём специально есть дубли артикулов и несопоставленный статус). Аккаунты не нужны, настоящие данные не затрагиваются.</translation>
    </message>
    <message>
        <source>Starting the demo shop…</source>
        <translation>Запускаю демо-магазин…</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Svyazka is already running for this data folder but does not answer. Wait a minute and open it from its icon in the notification area (the menu bar on a Mac). If it still does not open, end the Svyazka process in Task Manager (Activity Monitor on a Mac) and start Svyazka again.</source>
        <translation>Связка уже запущена для этой папки данных, но не отвечает. Подождите минуту и откройте её значком в области уведомлений (на Mac — в строке меню). Если она так и не откроется, завершите процесс Svyazka в диспетчере задач (на Mac — в «Мониторинге системы») и запустите Связку снова.</translation>
    </message>
</context>
</TS>
