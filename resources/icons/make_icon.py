"""Draws the app icon (代办通: a blue rounded square with 代 in white) into app.png and app.ico.

Run from the repository root: ``python resources/icons/make_icon.py``. The files are committed; this
script is how they were made, so a change of colour or glyph is one command.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "fonts" / "wqy-microhei.ttc"
BLUE = (21, 101, 192, 255)  # the app's accent colour (#1565c0)
SIZE = 256


def draw(size: int = SIZE) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = size // 16
    pen.rounded_rectangle((margin, margin, size - margin, size - margin), radius=size // 5, fill=BLUE)
    font = ImageFont.truetype(str(FONT), int(size * 0.62))
    pen.text((size / 2, size / 2), "代", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    image = draw()
    image.save(HERE / "app.png")
    image.save(HERE / "app.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])


if __name__ == "__main__":
    main()
