#!/usr/bin/env python3
"""Gzips the two hand-written TensorFlow profiler traces in tf_sources/ into
their places in the tf_profiler/ and tf_no_metadata/ jobs (the importer reads
trace.json.gz only). The output is deterministic (no name, mtime 0), so the
.gz files only change when a source does. Run from this directory:
python3 make_tf_traces.py
"""
import gzip
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE = "framework/tensorflow/detailed_profiling/2020091312/000000000/plugins/profile/"
TARGETS = {
    "tf_profiler.trace.json":
        "tf_profiler/" + PROFILE + "2020_09_13_12_35_00/tfhost.example.net.trace.json.gz",
    "tf_no_metadata.trace.json":
        "tf_no_metadata/" + PROFILE + "2020_09_13_12_40_00/ip-10-0-0-7.trace.json.gz",
}


def main():
    for source, target in TARGETS.items():
        with open(os.path.join(HERE, "tf_sources", source), "rb") as f:
            data = f.read()
        path = os.path.join(HERE, target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                gz.write(data)


if __name__ == "__main__":
    main()
