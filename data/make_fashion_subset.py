#!/usr/bin/env python3
"""Makes the bundled Fashion-MNIST subset in data/fashion-mnist/ (standard library only).

    apt-get download dataset-fashion-mnist            # Debian bookworm: 0.0~git20200523.55506a9-1
    dpkg -x dataset-fashion-mnist_*.deb pkg
    python3 data/make_fashion_subset.py pkg/usr/share/datasets/fashion-mnist data/fashion-mnist

Takes, per class, the first 600 images of the training file and the first 100 of the test file (file order),
keeps their original order, and writes gzip-compressed IDX files (mtime 0, so the output is byte-for-byte
reproducible).
"""
import gzip
import struct
import sys
from pathlib import Path

PER_CLASS = {"train": 600, "t10k": 100}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return magic, dims, data[4 + 4 * len(dims):]


def write_idx(path, magic, dims, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(header + payload)


def main(source, target):
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        img_magic, (n, rows, cols), pixels = read_idx(source / f"{split}-images-idx3-ubyte.gz")
        lab_magic, (m,), labels = read_idx(source / f"{split}-labels-idx1-ubyte.gz")
        assert n == m, f"{split}: {n} images but {m} labels"
        taken, counts = [], [0] * 10
        for i, label in enumerate(labels):
            if counts[label] < per_class:
                counts[label] += 1
                taken.append(i)
        size = rows * cols
        write_idx(target / f"{split}-images-idx3-ubyte.gz", img_magic, (len(taken), rows, cols),
                  b"".join(pixels[i * size:(i + 1) * size] for i in taken))
        write_idx(target / f"{split}-labels-idx1-ubyte.gz", lab_magic, (len(taken),),
                  bytes(labels[i] for i in taken))
        print(f"{split}: {len(taken)} images, per class {counts}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
