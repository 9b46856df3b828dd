"""A QR code of a link, as a PNG made on the server (segno, pure Python: no network service), for
the Class page to project: black on white, with the standard quiet zone of four modules, and modules
large enough for a phone at the back of a classroom."""

from __future__ import annotations

import io

import segno

MODULE_PX = 10  # pixels per module: a long lesson link still makes a code a projector shows sharp
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def png(text: str, module_px: int = MODULE_PX) -> bytes:
    """`text` as a QR code PNG (error correction M: a smudged projector or a low camera still reads it)."""
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=module_px, border=QUIET_ZONE,
                                        dark="#000000", light="#ffffff")
    return buffer.getvalue()
