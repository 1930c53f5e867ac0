"""Not screens: the demo station, the demo signature and the screenshot script for docs/ and tests.

``python -m desktop.ui.demo.screenshots OUTDIR`` photographs the main screens over a demo day of work
(``station.seed``). These modules build their own station through the services and the context, as the
composition root does; the screens in ``desktop/ui`` never do (``tests/desktop/ui/test_screens_seam.py``).
"""
