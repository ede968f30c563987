#!/usr/bin/env python3
"""Writes the hand-made rule-JSON sets (one folder per set) in the format
SageMaker's ProfilerReport writes: one single-line json.dumps of the
envelope per rule, default RuleParameters. The numbers are invented for the
tests and chosen so that the tests can check them by hand (see README.md);
this script only turns them into bytes, with the same writer SageMaker used
(Python's json.dumps). Run from this directory: python3 make_sets.py
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

PARAMS = {
    "CPUBottleneck": "threshold:50\ncpu_threshold:90\ngpu_threshold:10\npatience:1000",
    "IOBottleneck": "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:1000",
    "LowGPUUtilization": "threshold_p95:70\nthreshold_p5:10\nwindow:500\npatience:1000",
    "StepOutlier": "threshold:3\nmode:None\nn_outliers:10\nstddev:3",
    "GPUMemoryIncrease": "increase:5\npatience:1000\nwindow:10",
    "BatchSize": ("cpu_threshold_p95:70\ngpu_threshold_p95:70\ngpu_memory_threshold_p95:70\n"
                  "patience:1000\nwindow:500"),
    "MaxInitializationTime": "threshold:20",
    "LoadBalancing": "threshold:0.2\npatience:1000",
    "OverallSystemUsage": "",
    "Dataloader": "min_threshold:70\nmax_threshold:200",
    "OverallFrameworkMetrics": "",
}


def rule(name, triggered, violations, details, datapoints):
    return {"RuleTriggered": triggered, "Violations": violations, "Details": details,
            "Datapoints": datapoints, "RuleParameters": PARAMS[name]}


def edges(lo, hi, n=100):
    """n + 1 evenly spaced bin edges (numpy.histogram style)."""
    return [lo + (hi - lo) * i / n for i in range(n + 1)]


def counts(nonzero, n=100):
    """n histogram counts, zero except {bin: count}."""
    return [nonzero.get(i, 0) for i in range(n)]


def bottlenecks(first_ts, indices, cpus):
    """{repr(ts): {"GPUs": 1, "CPUs": c}} for snapshots every 0.5 s."""
    out = {}
    for k, i in enumerate(indices):
        out[repr(first_ts + 0.5 * i)] = {"GPUs": 1, "CPUs": cpus[k % len(cpus)]}
    return out


def stats5(mx, p99, p95, p50, mn):
    """OverallSystemUsage statistics: values <= 0 are written as the int 0."""
    return {k: (v if v > 0 else 0) for k, v in
            (("max", mx), ("p99", p99), ("p95", p95), ("p50", p50), ("min", mn))}


def box(p25, p50, p75, p95, upper, lower):
    return {"p25": p25, "p50": p50, "p75": p75, "p95": p95, "upper": upper, "lower": lower}


ZERO_BOX = box(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def single_gpu():
    """1 node, 1 GPU, 4 cores, ~900 s at 500 ms; steps and operators."""
    steps_node = "algo-1-19"
    correlated = {
        "ratio": {"cpu_functions": 62.5, "gpu_functions-dev:0": 37.5},
        "CPU": {"aten::conv2d": 55.0, "aten::add_": 45.0},
        "CPU_total": {"aten::conv2d": 2750000, "aten::add_": 2250000},
        "GPU": {"volta_sgemm": 100.0},
        "GPU_total": {"volta_sgemm": 3000000},
        "phase": {"Step:ModeKeys.TRAIN": 100.0},
        "phase_time": {},
        "general": {"Forward": 40.0, "DataLoaderIter": 60.0},
    }
    cpu = {"low_gpu_utilization": 1310,
           # 100 bottlenecks among the first 114 snapshots (every 8th is not).
           "bottlenecks": bottlenecks(1700000000.750212,
                                      [i for i in range(114) if i % 8 != 7], [1, 2, 4, 3])}
    cpu.update(correlated)
    return {
        "CPUBottleneck": rule("CPUBottleneck", 1, 100, cpu, 1802),
        "IOBottleneck": rule("IOBottleneck", 0, 3, {
            "low_gpu_utilization": 1310,
            "bottlenecks": bottlenecks(1700000450.250331, [0, 1, 5], [1])}, 1802),
        "LowGPUUtilization": rule("LowGPUUtilization", 7, 7, {
            "algo-1": {"gpu0": {"gpu_max": 100.0, "gpu_95": 62.0, "gpu_5": 0.0, "p25": 12.0,
                                "p50": 38.5, "p75": 61.0, "p95": 88.0, "upper": 100.0,
                                "lower": 0.0}},
            "last_timestamp": 1700000840000000}, 1802),
        "StepOutlier": rule("StepOutlier", 0, 4, {"step_details": {steps_node: {
            "step_stats": {"mean": 0.4981, "max": 3.75, "p99": 0.9125, "p95": 0.6, "p50": 0.475,
                           "min": 0.3},
            "number_of_outliers": 4, "phase": "Step:ModeKeys.TRAIN", "stddev": 0.21,
            "probs": counts({0: 96, 10: 300, 17: 700, 25: 300, 40: 96, 99: 4}),
            "binedges": edges(0.3, 1.1236),
            "step_numbers": ["0", "1", "750", "1499"]}}}, 1503),
        "GPUMemoryIncrease": rule("GPUMemoryIncrease", 41, 41, {
            "algo-1": {"gpu0": {"increase": 488 / 90, "gpu_max": 71.0, "p05": 2.0, "p25": 20.0,
                                "p50": 41.0, "p75": 58.0, "p95": 69.0, "upper": 71.0,
                                "lower": 2.0}},
            "last_timestamp": 1700000780000000}, 1802),
        "BatchSize": rule("BatchSize", 0, 0, {}, 1801),
        "MaxInitializationTime": rule("MaxInitializationTime", 0, 0, {
            "step_num": {"first": 1700000120500000, "last": 1700000870250000},
            "job_start": 1700000000.250412, "job_end": 1700000900.750118}, 1503),
        "LoadBalancing": rule("LoadBalancing", 0, 0, {"algo-1": {"workloads": {
            "gpu0": counts({0: 300, 10: 200, 20: 400, 30: 500, 40: 300, 45: 90}, 49)}}}, 1802),
        "OverallSystemUsage": rule("OverallSystemUsage", 0, 0, {
            "Network": {"algo-1": stats5(2306867.2, 180224.5, 0, 0, 0)},
            "GPU": {"algo-1": stats5(100.0, 97.0, 88.0, 38.5, 0)},
            "CPU": {"algo-1": stats5(99.5, 96.25, 91.75, 45.5, 3.25)},
            "CPU memory": {"algo-1": stats5(18.4, 18.1, 17.95, 16.2, 4.75)},
            "GPU memory": {"algo-1": stats5(71.0, 70.5, 69.0, 41.0, 2.0)},
            "I/O": {"algo-1": stats5(12.5, 3.25, 1.0, 0, 0)}}, 1801),
        "Dataloader": rule("Dataloader", 1, 2, {
            "pin_memory": False, "num_workers": 1, "cores": 4, "dataloaders": 1,
            "dataloading_time": {"p25": 0.0412, "p50": 0.0525, "p95": 0.1873,
                                 "probs": counts({0: 1, 5: 700, 10: 600, 30: 120, 60: 58, 99: 1}),
                                 "binedges": edges(0.012, 0.512)}}, 1480),
        "OverallFrameworkMetrics": rule("OverallFrameworkMetrics", 0, 0, {
            "ratio": {"gpu_functions-dev:0": 41.25, "cpu_functions": 58.75},
            "phase": {"Step:ModeKeys.TRAIN": 83.5, "others": 16.5},
            "phase_time": {},
            "CPU": {"aten::conv2d": 48.0, "aten::add_": 32.0, "aten::relu": 20.0},
            "CPU_total": {"aten::conv2d": 24000000, "aten::add_": 16000000,
                          "aten::relu": 10000000},
            "GPU": {"volta_sgemm": 70.0, "elementwise_kernel": 30.0},
            "GPU_total": {"volta_sgemm": 21000000, "elementwise_kernel": 9000000},
            "general": {"DataLoaderIterInitialize": 0.5, "DataLoaderIter": 24.5,
                        "Forward": 75.0}}, 0),
    }


def four_gpus():
    """1 node, 4 GPUs of which only gpu0 works, ~600 s; steps and operators."""
    idle = {"gpu_max": 0.0, "gpu_95": 0.0, "gpu_5": 0.0, "p25": 0.0, "p50": 0.0, "p75": 0.0,
            "p95": 0.0, "upper": 0.0, "lower": 0.0}
    low_gpu = {"algo-1": {
        "gpu0": {"gpu_max": 96.0, "gpu_95": 64.0, "gpu_5": 0.0, "p25": 0.0, "p50": 8.0,
                 "p75": 52.0, "p95": 90.0, "upper": 96.0, "lower": 0.0},
        "gpu1": dict(idle, gpu_max=6.0), "gpu2": dict(idle, gpu_max=5.0),
        "gpu3": dict(idle, gpu_max=4.0)},
        "last_timestamp": 1710000540000000}
    batch = {"algo-1": {"cpu": box(6.5, 21.25, 24.75, 31.5, 52.125, 0.375)}}
    for g in ("gpu1", "gpu2", "gpu3"):
        batch["algo-1"][g] = dict(ZERO_BOX)
        batch["algo-1"][g + "_memory"] = dict(ZERO_BOX)
    batch["last_timestamp"] = 1710000540000000
    return {
        "CPUBottleneck": rule("CPUBottleneck", 0, 6, {
            "low_gpu_utilization": 1190,
            "bottlenecks": bottlenecks(1710000100.500731, [0, 2, 4, 40, 41, 90], [1, 2])}, 1201),
        "IOBottleneck": rule("IOBottleneck", 0, 2, {
            "low_gpu_utilization": 1190,
            "bottlenecks": bottlenecks(1710000300.000731, [0, 7], [1])}, 1201),
        "LowGPUUtilization": rule("LowGPUUtilization", 4, 4, low_gpu, 1201),
        "StepOutlier": rule("StepOutlier", 2, 24, {
            "step_details": {"algo-1-31": {
                "step_stats": {"mean": 0.4375218, "max": 9.1234567, "p99": 2.5, "p95": 0.5,
                               "p50": 0.375, "min": 0.25},
                "number_of_outliers": 12, "phase": "Step:ModeKeys.TRAIN", "stddev": 0.61,
                "probs": counts({0: 40, 5: 500, 10: 400, 20: 100, 50: 20}),
                "binedges": edges(0.25, 2.2),
                "step_numbers": ["0", "137", "274", "411", "548", "685", "822", "959", "960",
                                 "1000", "1050", "1091"]}},
            "ratio": {},
            "phase": {"Step:ModeKeys.TRAIN": 100.0},
            "phase_time": {},
            "general": {"Forward": 100.0}}, 1104),
        "GPUMemoryIncrease": rule("GPUMemoryIncrease", 9, 9, {
            "algo-1": {"gpu0": {"increase": 476 / 90, "gpu_max": 84.0, "p05": 0.0, "p25": 0.0,
                                "p50": 2.0, "p75": 47.0, "p95": 80.0, "upper": 84.0,
                                "lower": 0.0}},
            "last_timestamp": 1710000480000000}, 1201),
        "BatchSize": rule("BatchSize", 3, 3, batch, 1200),
        "MaxInitializationTime": rule("MaxInitializationTime", 0, 0, {
            "step_num": {"first": 1710000090250000, "last": 1710000585750000},
            "job_start": 1710000000.500731, "job_end": 1710000600.001247}, 1104),
        # Distances worked out in rule_sets/README.md.
        "LoadBalancing": rule("LoadBalancing", 0, 0, {"algo-1": {"workloads": {
            "gpu0": counts({0: 600, 45: 600}, 49),
            "gpu1": counts({0: 1200}, 49),
            "gpu2": counts({0: 1200}, 49),
            "gpu3": counts({0: 1190, 1: 10}, 49)}}}, 1201),
        "OverallSystemUsage": rule("OverallSystemUsage", 0, 0, {
            "Network": {"algo-1": stats5(9437184.75, 1024.5, 0, 0, 0)},
            "GPU": {"algo-1": stats5(24.0, 23.25, 22.5, 2.0, 0)},
            "CPU": {"algo-1": stats5(52.25, 38.75, 31.5, 21.25, 0.4)},
            "CPU memory": {"algo-1": stats5(9.5, 9.25, 9.0, 8.75, 6.5)},
            "GPU memory": {"algo-1": stats5(21.0, 20.75, 20.0, 0.5, 0)},
            "I/O": {"algo-1": stats5(4.25, 2.5, 2.0, 0, 0)}}, 1200),
        "Dataloader": rule("Dataloader", 0, 0, {}, 0),
        "OverallFrameworkMetrics": rule("OverallFrameworkMetrics", 0, 0, {
            "ratio": {"gpu_functions-dev:0": 55.0, "cpu_functions": 45.0},
            "phase": {"Step:ModeKeys.TRAIN": 70.0, "others": 22.5, "Step:ModeKeys.EVAL": 7.5},
            "phase_time": {},
            "CPU": {"aten::conv2d": 16.2, "aten::convolution": 15.9,
                    "aten::cudnn_convolution": 12.4, "aten::batch_norm": 3.6, "aten::to": 17.85,
                    "aten::copy_": 19.05, "aten::relu": 15.0},
            "CPU_total": {"aten::conv2d": 1620000, "aten::convolution": 1590000,
                          "aten::cudnn_convolution": 1240000, "aten::batch_norm": 360000,
                          "aten::to": 1785000, "aten::copy_": 1905000, "aten::relu": 1500000},
            "GPU": {"volta_scudnn_128x64_relu": 60.0, "elementwise_kernel": 40.0},
            "GPU_total": {"volta_scudnn_128x64_relu": 3000000, "elementwise_kernel": 2000000},
            "general": {"Forward": 100.0}}, 0),
    }


def system_only():
    """1 node, 1 idle GPU, 4 cores, 263 s, no framework profiling."""
    return {
        "CPUBottleneck": rule("CPUBottleneck", 0, 5, {
            "low_gpu_utilization": 264,
            "bottlenecks": bottlenecks(1720000001.002311, [0, 1, 2, 30, 31], [4])}, 264),
        "IOBottleneck": rule("IOBottleneck", 0, 2, {
            "low_gpu_utilization": 264,
            "bottlenecks": bottlenecks(1720000060.002311, [0, 2], [3])}, 264),
        "LowGPUUtilization": rule("LowGPUUtilization", 0, 0, {}, 264),
        "StepOutlier": rule("StepOutlier", 0, 0, {"step_details": {}}, 0),
        "GPUMemoryIncrease": rule("GPUMemoryIncrease", 0, 0, {}, 264),
        "BatchSize": rule("BatchSize", 0, 0, {}, 263),
        "MaxInitializationTime": rule("MaxInitializationTime", 0, 0, {
            "step_num": {}, "job_start": 1720000000.002276, "job_end": 1720000263.003015}, 0),
        "LoadBalancing": rule("LoadBalancing", 0, 0, {"algo-1": {"workloads": {
            "gpu0": counts({0: 264}, 49)}}}, 264),
        "OverallSystemUsage": rule("OverallSystemUsage", 0, 0, {
            "Network": {"algo-1": stats5(1048576.5, 20480.25, 0, 0, 0)},
            "GPU": {"algo-1": stats5(0, 0, 0, 0, 0)},
            "CPU": {"algo-1": stats5(100.0, 99.5, 93.25, 64.0, 12.25)},
            "CPU memory": {"algo-1": stats5(13.5, 13.25, 13.0, 12.25, 4.5)},
            "GPU memory": {"algo-1": stats5(0, 0, 0, 0, 0)},
            "I/O": {"algo-1": stats5(62.75, 62.25, 57.0, 13.75, 0)}}, 263),
        "Dataloader": rule("Dataloader", 0, 0, {}, 0),
        "OverallFrameworkMetrics": rule("OverallFrameworkMetrics", 0, 0, {
            "ratio": {}, "phase": {}, "phase_time": {}}, 0),
    }


def cpu_only_two_nodes():
    """2 CPU-only nodes (8 cores each), ~1200 s, Step:ModeKeys.GLOBAL only."""
    def step_details(mean, outliers):
        return {"step_stats": {"mean": mean, "max": 6.5, "p99": 1.75, "p95": 1.25, "p50": 1.0,
                               "min": 0.75},
                "number_of_outliers": len(outliers), "phase": "Step:ModeKeys.GLOBAL",
                "stddev": 0.42, "probs": counts({0: 100, 10: 300, 30: 150, 60: 12}),
                "binedges": edges(0.75, 2.25), "step_numbers": outliers}
    return {
        "CPUBottleneck": rule("CPUBottleneck", 0, 0, {
            "low_gpu_utilization": 0, "bottlenecks": {}}, 4803),
        "IOBottleneck": rule("IOBottleneck", 0, 0, {
            "low_gpu_utilization": 0, "bottlenecks": {}}, 4803),
        "LowGPUUtilization": rule("LowGPUUtilization", 0, 0, {}, 0),
        "StepOutlier": rule("StepOutlier", 3, 37, {
            "step_details": {
                "algo-1-23": step_details(1.0625, [str(s) for s in range(0, 600, 50)]),
                "algo-2-23": step_details(1.0875, [str(s) for s in range(5, 605, 50)])},
            "ratio": {},
            "phase": {"Step:ModeKeys.GLOBAL": 100.0},
            "phase_time": {},
            "general": {"Forward": 85.0, "DataLoaderIterInitialize": 15.0}}, 1130),
        "GPUMemoryIncrease": rule("GPUMemoryIncrease", 0, 0, {}, 0),
        "BatchSize": rule("BatchSize", 0, 0, {}, 2401),
        "MaxInitializationTime": rule("MaxInitializationTime", 0, 0, {
            "step_num": {"first": 1730000045000000, "last": 1730001180500000},
            "job_start": 1730000000.000412, "job_end": 1730001200.500883}, 1130),
        "LoadBalancing": rule("LoadBalancing", 0, 0, {}, 0),
        "OverallSystemUsage": rule("OverallSystemUsage", 0, 0, {
            "Network": {"algo-1": stats5(52428800.5, 4096.25, 140.0, 0, 0),
                        "algo-2": stats5(41943040.25, 2048.5, 120.0, 0, 0)},
            "GPU": {},
            "CPU": {"algo-1": stats5(87.5, 81.25, 77.0, 62.5, 1.25),
                    "algo-2": stats5(85.0, 80.5, 76.25, 61.0, 0.5)},
            "CPU memory": {"algo-1": stats5(44.5, 40.25, 38.0, 30.5, 2.0),
                           "algo-2": stats5(43.0, 39.5, 37.25, 29.75, 1.75)},
            "GPU memory": {},
            "I/O": {"algo-1": stats5(6.5, 1.25, 0.5, 0, 0),
                    "algo-2": stats5(5.75, 1.0, 0.25, 0, 0)}}, 2401),
        "Dataloader": rule("Dataloader", 0, 0, {
            "pin_memory": True, "num_workers": 8, "cores": 8, "dataloaders": 8,
            "dataloading_time": {"p25": 0.125, "p50": 0.25, "p95": 1.5,
                                 "probs": counts({5: 40, 10: 300, 20: 200, 99: 20}),
                                 "binedges": edges(0.05, 2.05)}}, 2260),
        # SageMaker's running "others" went negative for this job.
        "OverallFrameworkMetrics": rule("OverallFrameworkMetrics", 0, 0, {
            "ratio": {"cpu_functions": 100.0},
            "phase": {"Step:ModeKeys.GLOBAL": 103.125, "others": -3.125},
            "phase_time": {},
            "general": {"DataLoaderIterInitialize": 0.25, "Forward": 99.5,
                        "DataLoaderIter": 0.25},
            "CPU": {"aten::mm": 40.0, "aten::gelu_backward": 35.0, "aten::dropout": 25.0},
            "CPU_total": {"aten::mm": 80000000, "aten::gelu_backward": 70000000,
                          "aten::dropout": 50000000}}, 0),
    }


def write_set(folder, rules):
    os.makedirs(folder, exist_ok=True)
    for name, doc in rules.items():
        with open(os.path.join(folder, name + ".json"), "w") as f:
            f.write(json.dumps(doc))


def main():
    for entry in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, entry)):
            shutil.rmtree(os.path.join(HERE, entry))
    write_set(os.path.join(HERE, "single-gpu", "profiler-reports"), single_gpu())
    write_set(os.path.join(HERE, "four-gpus", "profiler-reports"), four_gpus())
    write_set(os.path.join(HERE, "cpu-only-two-nodes", "profiler-reports"), cpu_only_two_nodes())
    # As downloaded from S3 (rule-output/ProfilerReport-<ts>/profiler-output/),
    # with the Jupyter checkpoint copies some users commit next to the files:
    # different numbers, so a test sees whether they were read.
    reports = os.path.join(HERE, "system-only", "rule-output", "ProfilerReport-1720000300",
                           "profiler-output", "profiler-reports")
    rules = system_only()
    write_set(reports, rules)
    checkpoints = os.path.join(reports, ".ipynb_checkpoints")
    os.makedirs(checkpoints)
    for name in ("LowGPUUtilization", "MaxInitializationTime"):
        doc = dict(rules[name], RuleTriggered=99, Violations=99)
        with open(os.path.join(checkpoints, name + "-checkpoint.json"), "w") as f:
            f.write(json.dumps(doc))


if __name__ == "__main__":
    main()
