#!/usr/bin/env python3
"""Writes the broken-input corpus (one folder per case, each a profiler-output
root) and nothing else. The expected counts live in each case's
expected.json, written by hand from docs/data-quality.md; this script only
makes the bytes. Run from this directory: python3 make_corpus.py
"""
import gzip
import io
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def sysline(ts, name="cpu0", value=1.0, node="algo-1", typ="cpu",
            dim="CPUUtilization"):
    return ('{"Type":"%s","Name":"%s","Dimension":"%s","Value":%s,'
            '"NodeId":"%s","Timestamp":%s}' % (typ, name, dim, value, node, ts))


def write(case, rel, data):
    path = os.path.join(HERE, case, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


BASE = ('{"name": "process_name", "ph": "M", "pid": 0, "args": '
        '{"start_time_since_epoch_in_micros": 1600000000000000}}')
PHASE = ('{"name": "process_name", "ph": "M", "pid": 1, "args": '
         '{"name": "Step:ModeKeys.TRAIN"}}')


def x(name, ts, dur, pid=1, step=None):
    step_part = ', "args": {"step_num": "%d"}' % step if step is not None else ""
    return ('{"name": "%s", "pid": %d, "ph": "X", "ts": %d, "dur": %d%s}'
            % (name, pid, ts, dur, step_part))


PEVENTS = "framework/pevents/2020091312/"


def main():
    for entry in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, entry)):
            shutil.rmtree(os.path.join(HERE, entry))

    # --- system JSON lines: every kind of bad line, good lines around them.
    lines = [
        sysline(1600000000.0),                                   # 1 good
        '{"Type":"cpu","Name":"cpu0","Dimension":"CPUUtiliz',   # 2 truncated
        '',                                                      # 3 blank
        '[1, 2, 3]',                                             # 4 not object
        '{"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":1,"NodeId":"algo-1"}',  # 5 missing
        sysline(1600000000.1, value='"12.5"'),                   # 6 string
        sysline(1600000000.2, value='NaN'),                      # 7 NaN
        sysline(1600000000.3, value='-Infinity'),                # 8 -Infinity
        sysline(1600000000.4, value='1e999'),                    # 9 out of range
        sysline(1600000000400),                                  # 10 ms, not s
        sysline(1600000000.45, name="cpu\xff"),                  # 11 bad UTF-8
        sysline(1600000000.5) + '\r',                            # 12 good, CRLF
        sysline(1600000001.0, value=3.0),                        # 13 good
        sysline(1600000001.0, value=3.0),                        # 14 duplicate
        sysline(1600000001.5, value=4.0),                        # 15 good
    ]
    data = b"\n".join(l.encode("latin-1") if "\xff" in l else l.encode()
                      for l in lines) + b"\n"
    write("system_bad_lines", "system/incremental/2020091312/1600000000.algo-1.json", data)

    # --- Chrome traces cut off by a killed writer, in three layouts.
    events = [BASE, PHASE, x("Step:ModeKeys.TRAIN", 100, 50, step=0),
              x("Step:ModeKeys.TRAIN", 200, 60, step=1)]
    partial = '{"name": "Step:ModeKeys.TRAIN", "pid": 1, "ph": "X", "ts": 30'
    name = PEVENTS + "1600000000000300_1-algo-1_pythontimeline.json"
    write("trace_truncated_lines", name, "[\n" + ",\n".join(events) + ",\n" + partial)
    write("trace_truncated_one_line", name, "[" + ", ".join(events) + ", " + partial)
    pretty = json.dumps([json.loads(e) for e in events], indent=2)
    pretty = pretty[: pretty.rstrip().rfind("}") + 1] + ",\n  {\n    \"name\": \"cut"
    write("trace_truncated_pretty", name, pretty)

    # --- Event phases and durations.
    ev = [BASE, PHASE,
          x("good1", 100, 10),
          '{"name": "nodur", "pid": 1, "ph": "X", "ts": 120}',
          '{"name": "", "pid": 2, "ph": "E", "ts": 130}',
          '{"name": "open", "pid": 3, "ph": "B", "ts": 140}',
          '{"name": "pair", "pid": 4, "ph": "B", "ts": 150}',
          '{"name": "", "pid": 4, "ph": "E", "ts": 170}',
          x("negative", 180, -5),
          x("absurd", 190, 25 * 3600 * 1000000),
          '{"name": "mark", "pid": 5, "ph": "i", "ts": 200, "s": "g"}',
          '{"name": "weird", "pid": 5, "ph": "Z", "ts": 210}',
          x("good2", 220, 10),
          x("good2", 220, 10),
          x("good3", 240, 10)]
    write("trace_phases", PEVENTS + "1600000000000300_1-algo-1_pythontimeline.json",
          "[\n" + ",\n".join(ev) + "\n]\n")

    # --- Base time: missing (inherited from the previous file of the kind)
    # and repeated inside a file.
    write("trace_base_time", PEVENTS + "1600000000000100_1-algo-1_pythontimeline.json",
          "[\n" + ",\n".join([BASE, PHASE, x("a", 10, 5)]) + "\n]\n")
    write("trace_base_time", PEVENTS + "1600000000000200_1-algo-1_pythontimeline.json",
          "[\n" + ",\n".join([PHASE, x("b", 20, 5)]) + "\n]\n")
    base2 = BASE.replace("1600000000000000", "1600000001000000")
    write("trace_base_time", PEVENTS + "1600000000000300_1-algo-1_pythontimeline.json",
          "[\n" + ",\n".join([BASE, PHASE, x("c", 30, 5), base2, x("d", 40, 5)]) + "\n]\n")

    # --- Top-level objects.
    write("trace_objects", PEVENTS + "1600000000000100_1-algo-1_pythontimeline.json",
          '{"traceEvents": [' + ", ".join([BASE, PHASE, x("e1", 1, 1), x("e2", 2, 1)]) + "]}\n")
    write("trace_objects", PEVENTS + "1600000000000200_1-algo-1_model_timeline.json",
          '{"displayTimeUnit": "ms", "events": []}\n')

    # --- TF trace.json.gz cut off inside the gzip stream.
    tf_events = [{"ph": "M", "pid": 7, "name": "process_name", "args": {"name": "/host:CPU"}}]
    for i in range(400):
        tf_events.append({"pid": 7, "tid": 1, "ts": 1000 + 10 * i, "dur": 5,
                          "name": "Op%03d" % i, "ph": "X"})
    doc = json.dumps({"displayTimeUnit": "ns", "traceEvents": tf_events})
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(doc.encode())
    gz_bytes = buf.getvalue()
    tf_dir = "framework/tensorflow/detailed_profiling/2020091312/000000000/"
    write("tf_gzip_truncated", tf_dir + "plugins/profile/2020_09_13_12_26_40/host.trace.json.gz",
          gz_bytes[: len(gz_bytes) // 2])
    write("tf_gzip_truncated", tf_dir + "1-host_1600000000000000_1600000010000000.metadata", b"")
    # ... and with 16 bytes overwritten in the middle of the deflate stream.
    mid = len(gz_bytes) * 6 // 10
    corrupt = gz_bytes[:mid] + b"\xff" * 16 + gz_bytes[mid + 16:]
    write("tf_gzip_corrupt", tf_dir + "plugins/profile/2020_09_13_12_26_40/host.trace.json.gz",
          corrupt)
    write("tf_gzip_corrupt", tf_dir + "1-host_1600000000000000_1600000010000000.metadata", b"")

    # --- Files and folders.
    good = (sysline(1600000000.0) + "\n" + sysline(1600000000.5) + "\n").encode()
    write("files_and_folders", "system/incremental/2020091312/1600000000.algo-1.json", good)
    write("files_and_folders", "system/copy/1600000000.algo-1.json", good)  # duplicate
    write("files_and_folders", "system/incremental/2020091312/1600000060.algo-1.json", b"")
    write("files_and_folders", "system/incremental/2020091312/1600000000.algo-1 (1).json", good)
    write("files_and_folders", "system/incremental/2020091312/notes.txt", b"hand-written notes\n")
    write("files_and_folders", "system/incremental/2020091312/1600000120.algo-1.json/README",
          b"a directory named like a data file\n")
    write("files_and_folders", PEVENTS + "1600000000000100_1-algo-1_pythontimeline.json.tmp",
          "[\n" + BASE + ",\n")

    # --- Time: out of order, a gap, nodes with different ranges, a node
    # with no usable samples.
    t = []
    for i in range(10):
        t.append(sysline(1600000000.0 + 0.5 * i, value=i))        # 0 .. 4.5
    t.append(sysline(1600000002.25, value=99))                     # back 2.25 s
    for i in range(10):
        t.append(sysline(1600000030.0 + 0.5 * i, value=i))         # gap to 30
    write("time", "system/incremental/2020091312/1600000000.algo-1.json", "\n".join(t) + "\n")
    t2 = [sysline(1600000200.0 + 0.5 * i, node="algo-2", value=i) for i in range(10)]
    write("time", "system/incremental/2020091312/1600000000.algo-2.json", "\n".join(t2) + "\n")
    write("time", "system/incremental/2020091312/1600000000.algo-3.json", "not json\n")

    # --- Only framework data.
    write("only_framework", PEVENTS + "1600000000000300_1-algo-1_pythontimeline.json",
          "[\n" + ",\n".join([BASE, PHASE, x("Step:ModeKeys.TRAIN", 100, 50, step=0),
                              x("Step:ModeKeys.TRAIN", 200, 50, step=1)]) + "\n]\n")


if __name__ == "__main__":
    main()
