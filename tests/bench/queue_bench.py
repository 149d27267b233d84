#!/usr/bin/env python3
"""The queue benchmark of issue 4: fills a lab host's queue with held messages, then
times queue.summary and queue.list of mailng-agent against `postqueue -j` and `qshape`
on the same queue, in one run. Called by run-queue-bench inside a private network
namespace with the lab already up; prints a markdown table and writes results.json.

Environment: MAILNG_BUILD_DIR, MAILNG_BENCH_LAB_DIR, MAILNG_BENCH_WORK_DIR,
MAILNG_BENCH_SIZES (e.g. "10000 100000": queue sizes measured in turn),
MAILNG_BENCH_REPEAT (runs per measurement, the median is reported)."""

import json
import os
import statistics
import subprocess
import sys
import time

import queue_fill  # tests/bench/queue_fill.py, shared with run-console-bench

BUILD = os.environ["MAILNG_BUILD_DIR"]
LAB_DIR = os.environ["MAILNG_BENCH_LAB_DIR"]
WORK = os.environ["MAILNG_BENCH_WORK_DIR"]
SIZES = [int(n) for n in os.environ.get("MAILNG_BENCH_SIZES", "10000 100000").split()]
REPEAT = int(os.environ.get("MAILNG_BENCH_REPEAT", "3"))
HOST = "thalia"


def say(text):
    print(f"queue-bench: {text}", file=sys.stderr, flush=True)


def lab():
    with open(os.path.join(LAB_DIR, "lab.json")) as handle:
        return json.load(handle)


HOST_INFO = lab()["hosts"][HOST]
CONFIG_DIR = HOST_INFO["postfix_config_dir"]
AGENT = [os.path.join(BUILD, "agent", "mailng-agent"), "--config", HOST_INFO["agent_config"],
         "stdio"]


RSS_FILE = os.path.join(WORK, "max-rss")


def run_rusage(argv, stdin_text=""):
    """Runs argv under GNU time for its peak RSS (a child forked from Python would
    count Python's own pages until exec); returns seconds, seconds until the first
    output line, max RSS and the output."""
    start = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", RSS_FILE, *argv],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdin.write(stdin_text.encode())
    process.stdin.close()
    first_line_at = None
    chunks = []
    while True:
        chunk = process.stdout.readline()
        if not chunk:
            break
        if first_line_at is None:
            first_line_at = time.perf_counter() - start
        chunks.append(chunk)
    code = process.wait()
    elapsed = time.perf_counter() - start
    process.stderr.close()
    process.stdout.close()
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {code}")
    with open(RSS_FILE) as handle:
        max_rss = int(handle.read().split()[-1])
    return {"seconds": elapsed, "first_line_seconds": first_line_at or elapsed,
            "max_rss_kib": max_rss, "output": b"".join(chunks)}


def agent_request(method, params):
    request = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    return json.dumps(request) + "\n"


def median_of(runs, key):
    return statistics.median(run[key] for run in runs)


def measure(name, argv, stdin_text="", check=None):
    runs = []
    for _ in range(REPEAT):
        result = run_rusage(argv, stdin_text)
        if check:
            check(result["output"])
        runs.append(result)
    row = {"name": name, "seconds": median_of(runs, "seconds"),
           "first_line_seconds": median_of(runs, "first_line_seconds"),
           "max_rss_kib": max(run["max_rss_kib"] for run in runs)}
    say(f"{name}: {row['seconds']:.3f} s, RSS {row['max_rss_kib'] / 1024:.1f} MB")
    return row


def agent_result(output):
    answer = json.loads(output.decode().splitlines()[0])
    if "error" in answer:
        raise RuntimeError(f"agent error: {answer['error']}")
    return answer["result"]


def count_held():
    return queue_fill.count_held(CONFIG_DIR)


def hold_everything_thalia_receives():
    queue_fill.hold_everything(CONFIG_DIR)


def fill_to(target):
    """Sends messages with smtp-source until `target` are held (queue_fill.py)."""
    return queue_fill.fill_to(HOST_INFO, target, prefix="queue-bench")


def measure_size(size):
    held = fill_to(size)
    say(f"measuring with {held} held messages")
    rows = [measure("postqueue -j", ["postqueue", "-c", CONFIG_DIR, "-j"]),
            measure("qshape hold", ["qshape", "-c", CONFIG_DIR, "hold"])]

    def summary_total(output):
        result = agent_result(output)
        if result["total"]["counts"][0] < held:
            raise RuntimeError(f"queue.summary counted {result['total']['counts'][0]} < {held}")

    def listed(expect_total):
        def check(output):
            result = agent_result(output)
            if expect_total is not None and result["total"] != expect_total:
                raise RuntimeError(f"queue.list total {result['total']} != {expect_total}")
        return check

    per_domain = None
    rows.append(measure("agent queue.summary (queue files)", AGENT,
                        agent_request("queue.summary", {"queue": "hold"}), summary_total))
    rows.append(measure("agent queue.summary (postqueue -j)", AGENT,
                        agent_request("queue.summary", {"queue": "hold", "source": "postqueue"}),
                        summary_total))
    rows.append(measure("agent queue.list domain=dest7 (queue files)", AGENT,
                        agent_request("queue.list", {"domain": "dest7.example.net", "limit": 100}),
                        listed(per_domain)))
    rows.append(measure("agent queue.list domain=dest7 (postqueue -j)", AGENT,
                        agent_request("queue.list", {"domain": "dest7.example.net", "limit": 100,
                                                     "source": "postqueue"}),
                        listed(per_domain)))
    rows.append(measure("agent queue.list first page, unfiltered", AGENT,
                        agent_request("queue.list", {"limit": 100}), listed(held)))
    for row in rows:
        row["messages"] = held
    return rows


def table(all_rows):
    lines = ["| messages | command | seconds (median of %d) | max RSS MB |" % REPEAT,
             "|---:|---|---:|---:|"]
    for row in all_rows:
        lines.append(f"| {row['messages']} | {row['name']} | {row['seconds']:.3f} | "
                     f"{row['max_rss_kib'] / 1024:.1f} |")
    return "\n".join(lines)


def ratios(all_rows):
    out = []
    by = {(row["messages"], row["name"]): row for row in all_rows}
    for size in sorted({row["messages"] for row in all_rows}):
        def s(name):
            return by[(size, name)]["seconds"]
        qshape = s("qshape hold")
        out.append(f"- {size} messages: queue.summary {qshape / s('agent queue.summary (queue files)'):.1f}x "
                   f"faster than qshape (target >= 5); filtered queue.list "
                   f"{qshape / s('agent queue.list domain=dest7 (queue files)'):.1f}x faster than qshape; "
                   f"postqueue -j alone {s('postqueue -j'):.2f} s; first unfiltered page "
                   f"{s('agent queue.list first page, unfiltered'):.3f} s (target < 0.5)")
    sizes = sorted({row["messages"] for row in all_rows})
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for name in ("agent queue.summary (queue files)", "agent queue.list domain=dest7 (queue files)"):
            out.append(f"- {name}: max RSS {by[(small, name)]['max_rss_kib'] / 1024:.1f} MB at {small}, "
                       f"{by[(large, name)]['max_rss_kib'] / 1024:.1f} MB at {large} messages")
    return "\n".join(out)


def main():
    os.makedirs(WORK, exist_ok=True)
    hold_everything_thalia_receives()
    all_rows = []
    for size in SIZES:
        all_rows.extend(measure_size(size))
    with open(os.path.join(WORK, "results.json"), "w") as handle:
        json.dump(all_rows, handle, indent=1)
    report = table(all_rows) + "\n\n" + ratios(all_rows) + "\n"
    load = open("/proc/loadavg").read().split()[:3]
    report += f"\n{os.cpu_count()} CPUs; load average at the end: {' '.join(load)}.\n"
    with open(os.path.join(WORK, "table.md"), "w") as handle:
        handle.write(report)
    print(report)


if __name__ == "__main__":
    main()
