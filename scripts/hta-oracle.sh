#!/usr/bin/env bash
# Regenerates tests/data/kineto/hta/<trace-id>.<mode>.json: what Holistic Trace Analysis (HTA,
# github.com/facebookresearch/HolisticTraceAnalysis) computes on the real PyTorch-profiler
# (Kineto) traces of the shared kineto-traces folder: temporal breakdown, kernel-type breakdown
# and top kernels, idle-time breakdown per stream, comm/comp overlap, profiler steps.
# The Kineto importer's tests compare sm-report's numbers with these files; CI has no HTA, so
# this script is never run by the test suite.
#
# Usage:
#   scripts/hta-oracle.sh HTA_DIR [TRACES_DIR] [OUT_DIR]
#
#   HTA_DIR     an extracted HTA tree (what goes on PYTHONPATH; it holds hta/ and HTA_COMMIT),
#               e.g. /tmp/hta made by shared/reference/hta/setup.sh from a git copy of HTA
#   TRACES_DIR  the kineto-traces folder (default: ../shared/kineto-traces beside the source tree)
#   OUT_DIR     where the JSONs go (default: tests/data/kineto/hta); existing *.json there are
#               replaced, README.md is left alone
#   HTA_PEER    (environment) the comparison harness that calls HTA's public API
#               (default: ../shared/reference/hta/hta_peer.py beside the source tree)
#
# Modes written per trace (see tests/data/kineto/hta/README.md):
#   each          hta_peer.py --each-file (the file alone, as rank 0), HTA defaults
#   each-noround  the same with HTA_DISABLE_NS_ROUNDING=1
#   each-laststep the same as `each` with --include-last-step; only written when it changes
#                 the profiler steps HTA keeps (traces with 2+ ProfilerStep annotations)
#   dir, dir-noround, dir-laststep   the same for the multi-rank jobs, in HTA's directory mode
# Machine paths (the traces folder, temporary folders, the HTA install) and the run-time /
# memory figures are removed; keys are sorted, so a rerun with the same HTA gives the same bytes.
# Needs /usr/bin/python3 with HTA's dependencies (pandas, numpy, ...). About 4 minutes on 2 cores.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HTA_DIR=${1:?usage: scripts/hta-oracle.sh HTA_DIR [TRACES_DIR] [OUT_DIR]}
TRACES=${2:-"$ROOT/../shared/kineto-traces"}
OUT=${3:-"$ROOT/tests/data/kineto/hta"}
PEER=${HTA_PEER:-"$ROOT/../shared/reference/hta/hta_peer.py"}

[[ -d $HTA_DIR/hta ]] || { echo "hta-oracle: no hta/ package in $HTA_DIR" >&2; exit 2; }
[[ -d $TRACES ]] || { echo "hta-oracle: traces folder not found: $TRACES" >&2; exit 2; }
[[ -f $PEER ]] || { echo "hta-oracle: harness not found: $PEER (set HTA_PEER)" >&2; exit 2; }
mkdir -p "$OUT"

HTA_DIR=$(cd "$HTA_DIR" && pwd) TRACES=$(cd "$TRACES" && pwd) OUT=$(cd "$OUT" && pwd) PEER=$PEER \
  /usr/bin/python3 - <<'PY'
import json, os, subprocess, sys, tempfile

HTA_DIR, TRACES, OUT, PEER = (os.environ[k] for k in ("HTA_DIR", "TRACES", "OUT", "PEER"))
H = "facebookresearch__HolisticTraceAnalysis/tests/data/"
# trace id -> file, relative to TRACES (the numbers of TRACES/INDEX.md in the comments)
FILES = {
    "amd_mi250": H + "amd_trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz",  # 9
    "cpu_only_rank34": H + "cpu_only/rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz",  # 10
    "critical_path_alexnet": H + "critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz",  # 11
    "critical_path_event_sync": H + "critical_path/cuda_event_sync/event_sync_trace.json.gz",  # 12
    "cupti_profiler": H + "cupti_profiler/benchmark_result_924719_1679055439_trace.json.gz",  # 13
    "df_index_resolver": H + "df_index_resolver/df_index_resolver.json.gz",  # 14
    "distributed_info_not_found": H + "distributed_info_unavailable/distributed_info_not_found.json.gz",  # 15
    "mtia_inference_rank0": H + "mtia_inference_trace/mtia_inference_rank_0.json.gz",  # 16
    "nccl_parser_config": H + "nccl_parser_config/nccl_data.json.gz",  # 17
    "negative_queue_length_rank0": H + "negative_queue_length_values_check/rank0.json.gz",  # 18
    "ns_resolution_rank0": H + "ns_resolution_trace/rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz",  # 19
    "trace_diff_control": H + "trace_diff/control/control.json.gz",  # 20
    "trace_diff_test": H + "trace_diff/test/test.json.gz",  # 21
    "trace_filter_rank0": H + "trace_filter/sampled_rank-0.json.gz",  # 22
    "trace_filter_rank1": H + "trace_filter/sampled_rank-1.json.gz",  # 23
    "triton_example": H + "triton_example/triton_example.json.gz",  # 24
    "param_resnet": "facebookresearch__param/et_replay/tests/inputs/resnet_kineto.json.gz",  # 33
    "kineto_after_fix": "pytorch__kineto/docs/traces/after_fix_trace.json",  # 34
    "kineto_before_fix": "pytorch__kineto/docs/traces/before_fix_trace.json",  # 35
    "kineto_plugin_resnet50": "pytorch__kineto/plugin/samples/resnet50_num_workers_0/worker0.pt.trace.json.gz",  # 36
    "tb_plugin_resnet50": "pytorch__kineto/tb_plugin/samples/resnet50_num_workers_0/worker0.1623143089861.pt.trace.json.gz",  # 37
    "tb_plugin_resnet50_profiler_api": "pytorch__kineto/tb_plugin/samples/resnet50_profiler_api_num_workers_0/worker0.pt.trace.json.gz",  # 38
}
# multi-rank job id -> folder holding one file per rank
JOBS = {"trace_filter": H + "trace_filter"}  # 22 + 23: ranks 0 and 1 of a 128-rank job

DROP = {"timing", "import_s", "total_wall_s", "memory", "dir", "peer"}


def scrub(v, paths):
    if isinstance(v, dict):
        return {k: scrub(x, paths) for k, x in v.items()}
    if isinstance(v, list):
        return [scrub(x, paths) for x in v]
    if isinstance(v, str):
        for p, r in paths:
            v = v.replace(p, r)
    return v


def env_options(text):
    opts = {}
    for line in (text or "").splitlines():
        for part in line.split(", "):
            if "=" in part:
                k, x = part.split("=", 1)
                opts[k.strip()] = x.strip()
    return opts


def normalise(raw, job, trace_id, mode, rel, rounding_off, paths):
    out = {k: v for k, v in job.items() if k not in DROP}
    out["trace"] = {"id": trace_id, "path": rel}
    inp = out.get("input", {})
    if "file_bytes" in inp:
        out["trace"]["file_bytes"] = inp.pop("file_bytes")
    if "dir_bytes" in inp:
        out["trace"]["dir_bytes"] = inp.pop("dir_bytes")
    if "trace_files" in inp:
        inp["trace_files"] = {r: os.path.basename(f) for r, f in inp["trace_files"].items()}
    hta = dict(raw.get("hta", {}))
    hta.pop("hta_path", None)
    hta["hta_env_options"] = env_options(hta.get("hta_env_options"))
    out["hta"] = hta
    out["options"] = raw.get("options", {})
    out["mode"] = {"name": mode, "HTA_DISABLE_NS_ROUNDING": "1" if rounding_off else None}
    for info in out.get("ranks", {}).values():
        if "top_kernels" in info:
            info["top_kernels"].sort(key=lambda k: (k.get("kernel_type") or "", -(k.get("sum (us)") or 0), k.get("name") or ""))
        if "idle_time_breakdown_by_stream" in info:
            info["idle_time_breakdown_by_stream"].sort(key=lambda r: (r.get("stream") or 0, r.get("idle_category") or ""))
    return scrub(out, paths)


def run_peer(target, each_file, rounding_off, last_step, log):
    env = dict(os.environ, PYTHONPATH=HTA_DIR)
    env.pop("HTA_DISABLE_NS_ROUNDING", None)
    if rounding_off:
        env["HTA_DISABLE_NS_ROUNDING"] = "1"
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        cmd = ["/usr/bin/python3", PEER, target, "--json", tmp.name]
        if each_file:
            cmd.append("--each-file")
        if last_step:
            cmd.append("--include-last-step")
        rc = subprocess.run(cmd, env=env, stdout=log, stderr=log).returncode
        with open(tmp.name) as fh:
            text = fh.read()
    if not text.strip():
        sys.exit(f"hta-oracle: {PEER} wrote nothing for {target} (exit {rc})")
    return json.loads(text)


def write(name, doc):
    with open(os.path.join(OUT, name), "w") as fh:
        json.dump(doc, fh, indent=1, sort_keys=True, ensure_ascii=False)
        fh.write("\n")


def steps(doc):
    return doc.get("profiler_steps")


for f in os.listdir(OUT):
    if f.endswith(".json"):
        os.remove(os.path.join(OUT, f))
log = open(os.path.join(tempfile.gettempdir(), "hta-oracle.log"), "w")
missing = [i for i, rel in FILES.items() if not os.path.isfile(os.path.join(TRACES, rel))]
if missing:
    print("hta-oracle: skipped (absent): " + ", ".join(missing), file=sys.stderr)
summary = []
for trace_id, rel in FILES.items():
    if trace_id in missing:
        continue
    with tempfile.TemporaryDirectory() as tmpd:
        # one file per folder, so --each-file analyses exactly this trace
        os.symlink(os.path.join(TRACES, rel), os.path.join(tmpd, os.path.basename(rel)))
        paths = [(tmpd + "/", ""), (TRACES + "/", ""), (HTA_DIR, "<HTA_DIR>")]
        docs = {}
        for mode, off, last in (("each", False, False), ("each-noround", True, False), ("each-laststep", False, True)):
            print(f"== {trace_id} {mode}", file=log, flush=True)
            raw = run_peer(tmpd, True, off, last, log)
            job = next(iter(raw["jobs"].values()))
            docs[mode] = normalise(raw, job, trace_id, mode, rel, off, paths)
        if steps(docs["each-laststep"]) == steps(docs["each"]):
            del docs["each-laststep"]
        for mode, doc in docs.items():
            write(f"{trace_id}.{mode}.json", doc)
        summary.append((trace_id, docs["each"]))
for job_id, rel in JOBS.items():
    d = os.path.join(TRACES, rel)
    if not os.path.isdir(d):
        print(f"hta-oracle: skipped (absent): {job_id}", file=sys.stderr)
        continue
    paths = [(d + "/", ""), (d, rel), (TRACES + "/", ""), (HTA_DIR, "<HTA_DIR>")]
    docs = {}
    for mode, off, last in (("dir", False, False), ("dir-noround", True, False), ("dir-laststep", False, True)):
        print(f"== {job_id} {mode}", file=log, flush=True)
        raw = run_peer(d, False, off, last, log)
        job = {k: raw[k] for k in ("input", "errors", "ranks", "profiler_steps", "kernel_type_breakdown_all_ranks") if k in raw}
        docs[mode] = normalise(raw, job, job_id, mode, rel, off, paths)
    if steps(docs["dir-laststep"]) == steps(docs["dir"]):
        del docs["dir-laststep"]
    for mode, doc in docs.items():
        write(f"{job_id}.{mode}.json", doc)
    summary.append((job_id, docs["dir"]))
for trace_id, doc in summary:
    errs = doc.get("errors") or {}
    print(f"{trace_id:34} ranks={doc.get('input', {}).get('ranks')} steps={doc.get('profiler_steps')} "
          f"errors={'; '.join(f'{k}: {v[:60]}' for k, v in errs.items()) or '-'}")
print(f"wrote {OUT} (HTA's log: {log.name})")
PY
