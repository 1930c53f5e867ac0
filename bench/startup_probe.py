"""Child process of the app-start benchmark: open the real window, report when it is usable."""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    from desktop.services.context import ServiceContext
    from desktop.ui.application import make_application
    from desktop.ui.facade import StationFacade
    from desktop.ui.main_window import MainWindow

    app = make_application()
    ctx = ServiceContext.open(Path(sys.argv[1]))
    window = MainWindow(StationFacade(ctx))
    window.show()
    # Usable: the first list has been loaded and painted.
    while window.model.rowCount() == 0:
        app.processEvents()
    app.processEvents()
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
