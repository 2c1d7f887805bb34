from app.sync.text import shorten


def test_short_names_stay_as_they_are():
    assert shorten("Кружка «Север»") == "Кружка «Север»"


def test_long_names_are_cut_with_an_ellipsis():
    cut = shorten("Я" * 10_000)
    assert len(cut) == 80 and cut.endswith("…")
    assert shorten("abc def", 5) == "abc…"
