"""The demo shop's day (app/demo_story.py): what its people did between two syncs."""

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.day_title": ("Демо: день в магазине", "Demo: a day in the shop"),
    "demo.day_intro": (
        "Пока вы смотрели, в демо-магазине прошёл день:",
        "While you were looking, a day went by in the demo shop:",
    ),
    "demo.day_outro": (
        "Нажмите «Синхронизировать», чтобы увидеть, как Связка перенесёт это в МойСклад: оплату, возврат на склад "
        "и конфликт «заказ изменён с обеих сторон» (его решаете вы, на вкладке «Конфликты»).",
        "Press «Sync now» to see how Svyazka carries this to MoySklad: the payment, the return to the warehouse and "
        "the «order changed on both sides» conflict (you decide it on the Conflicts tab).",
    ),
    "demo.refused": (
        "покупатель отказался от отгруженного заказа {order} — его статус теперь «Отменен»;",
        "a customer refused the shipped order {order}; its status is now «Cancelled»;",
    ),
    "demo.refused_refunded": (
        "покупатель отказался от отгруженного заказа {order} — его статус теперь «Отменен», деньги вернули;",
        "a customer refused the shipped order {order}; its status is now «Cancelled» and the money was refunded;",
    ),
    "demo.changed_both_sides": (
        "в заказе {order} менеджер изменил количество в RetailCRM, а кладовщик — другую строку в МойСклад;",
        "in order {order} a manager changed a quantity in RetailCRM while the storekeeper changed another line "
        "in MoySklad;",
    ),
    "demo.paid": (
        "покупатель оплатил заказ {order} картой: {amount:money} ₽.",
        "a customer paid {amount:money} ₽ for order {order} by card.",
    ),
}
