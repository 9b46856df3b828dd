"""The QR code of a lesson's link (core/qr.py) decodes back to the link, read by an independent decoder
(zbarimg, from Debian's zbar-tools), and is large, black on white, with its quiet zone."""

import io
import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from core import qr

LINK = ("http://192.168.1.20:8501/cnn?epochs=1&batch_size=50&lr=0.01&optimizer=adam&conv1_channels=16"
        "&conv2_channels=32&kernel_size=5&eval_every=50&test_size=1000&embed_method=tsne&embed_every=200"
        "&embed_points=300&seed=1&lang=zh&dataset=mnist&lock=epochs%2Cbatch_size%2Coptimizer%2Cconv1_channels"
        "%2Cconv2_channels%2Ckernel_size%2Ceval_every%2Ctest_size%2Cembed_method%2Cembed_every%2Cembed_points"
        "%2Cseed&hide=seed&lesson=0123456789ab&sig=q0Lc3eT2_bF9-aa1Zx8QkA")


def test_the_qr_code_decodes_back_to_the_link(tmp_path):
    if shutil.which("zbarimg") is None:
        reason = "zbarimg is not installed: apt-get install zbar-tools"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    path = tmp_path / "lesson.png"
    path.write_bytes(qr.png(LINK))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    assert decoded.rstrip("\n") == LINK


def test_the_qr_code_is_large_and_black_on_white_with_a_quiet_zone():
    image = np.asarray(Image.open(io.BytesIO(qr.png(LINK))).convert("L"))
    assert image.shape[0] == image.shape[1] >= 300
    assert set(np.unique(image)) == {0, 255}
    border = qr.QUIET_ZONE * qr.MODULE_PX
    for edge in (image[:border], image[-border:], image[:, :border], image[:, -border:]):
        assert (edge == 255).all()
