"""MoySklad service facts the client modules share: the API address, page sizes, the URL budget, the heavy
report paths, and the warning shown before trading a login and password for a token.
"""

from __future__ import annotations

SERVICE = "moysklad"
DEFAULT_BASE_URL = "https://api.moysklad.ru/api/remap/1.2"
ACCEPT = "application/json;charset=utf-8"
MAX_URL_LENGTH = 6000  # the service takes 8 KB of headers in all; keep every URL well below that
MAX_PAGE = 1000
MAX_EXPAND_PAGE = 100
STOCK_REPORT_PATHS = ("report/stock/all", "report/stock/bystore")
TOKEN_REVOKES_OTHERS_WARNING = (
    "Внимание: когда Связка получает токен МойСклад по логину и паролю, МойСклад отзывает все прежние "
    "токены этого пользователя. Другие программы и интеграции, которые подключены от его имени, перестанут "
    "работать, пока вы не выдадите им новый токен. Чтобы этого избежать, создайте для Связки отдельного "
    "пользователя МойСклад или вставьте уже готовый токен."
)
