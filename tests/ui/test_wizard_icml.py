"""The wizard's ICML file box (warehouses page, under «Где ведутся товары»): off by default, a folder is asked
for when it is on, the folder reaches the settings, the page says in Russian how RetailCRM loads the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from app.sandbox.sandbox import Sandbox
from app.ui.wizard import SetupWizard
from tests.ui.test_wizard import W, connect_both, make_wizard, new_context, press_next  # noqa: F401

pytestmark = pytest.mark.gui


def test_the_icml_folder_is_chosen_on_the_warehouses_page(qtbot, new_context, sandbox: Sandbox,  # noqa: F811
                                                          tmp_path: Path):
    wizard: SetupWizard = make_wizard(qtbot, new_context)
    connect_both(qtbot, wizard, sandbox)
    wh = wizard.warehouses_page
    assert not wh.icml_check.isChecked() and not wh.icml_folder.isEnabled()  # off by default

    wh.icml_check.setChecked(True)
    assert wh.icml_folder.isEnabled() and wh.icml_browse.isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == W.PAGE_WAREHOUSES and wh.message.kind == "error"

    wh.icml_folder.setText(str(tmp_path / "feed"))
    texts = " ".join(label.text() for label in wh.icml_box.findChildren(QLabel))
    shot = os.environ.get("SVYAZKA_ICML_SHOT")
    if shot:  # look at it: SVYAZKA_ICML_SHOT=/tmp/icml.png
        wizard.grab().save(shot)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    assert wizard.state.settings.icml_folder == str(tmp_path / "feed")
    # the Russian sentence (translations are loaded by the app; the source text is checked here)
    assert "Administration → Stores" in texts and "web server" in texts

    wizard.back()
    wh.icml_check.setChecked(False)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    assert wizard.state.settings.icml_folder is None
