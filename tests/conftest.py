"""Suite-wide setup: Qt renders offscreen, so the tests run on machines without a screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
