"""QR codes for the market's printed matter (posters, notice-board lists): 辽人社提〔2024〕5号 asks
that services reach people "采取二维码、小程序、互联网等多种方式". SVG, so it prints sharp at any
size and needs no imaging library.
"""

from __future__ import annotations

import re

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

_SIZE = re.compile(r'width="[^"]*" height="[^"]*"')


def qr_svg(url: str, *, size_mm: int) -> str:
    """An inline ``<svg>`` element encoding ``url``, ``size_mm`` millimetres square (quiet zone
    included). The markup is ours alone (the URL is only in the modules, never in the text), so it
    is safe to mark safe in a template."""
    # Level M survives a poster scuffed or partly covered on a notice board.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    svg: str = code.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    svg = svg.replace(' id="qr-path"', "")  # several codes on one page must not share an id
    return _SIZE.sub(
        f'width="{size_mm}mm" height="{size_mm}mm" class="qr" role="img" aria-label="二维码"',
        svg,
        count=1,
    )
