#!/usr/bin/env python3
"""Fills a lab host's Postfix queue with held messages, for the benchmarks that need a
long queue (queue_bench.py, run-console-bench). The host's smtpd is reconfigured to put
every message it accepts on hold (nothing is delivered), then smtp-source sends
messages spread over DOMAINS recipient domains until the hold queue has enough.

As a program (run-console-bench):  queue_fill.py LAB_DIR HOST COUNT
prints the number of held messages (at least COUNT) on stdout."""

import json
import os
import subprocess
import sys
import time

DOMAINS = 20


def say(text, prefix="queue-fill"):
    print(f"{prefix}: {text}", file=sys.stderr, flush=True)


def host_info(lab_dir, host):
    """hosts[host] of DIR/lab.json."""
    with open(os.path.join(lab_dir, "lab.json")) as handle:
        return json.load(handle)["hosts"][host]


def queue_directory(config_dir):
    return subprocess.run(["postconf", "-c", config_dir, "-h", "queue_directory"],
                          capture_output=True, text=True, check=True).stdout.strip()


def count_held(config_dir):
    total = 0
    for _, _, files in os.walk(os.path.join(queue_directory(config_dir), "hold")):
        total += len(files)
    return total


def hold_everything(config_dir):
    """The host's smtpd puts every message on hold and accepts the bench's sender: the
    queue fills without any delivery."""
    subprocess.run(["postconf", "-c", config_dir, "-e",
                    "mynetworks = 127.0.0.0/8",
                    "smtpd_client_restrictions = check_client_access static:HOLD",
                    "smtpd_recipient_restrictions = permit_mynetworks, reject",
                    "smtpd_relay_restrictions = permit_mynetworks, reject"], check=True)
    subprocess.run(["postfix", "-c", config_dir, "reload"], check=True, capture_output=True)
    time.sleep(1)


def wait_settled(config_dir):
    """Until incoming, active and maildrop are empty: cleanup and qmgr have finished."""
    queue_dir = queue_directory(config_dir)
    for _ in range(600):
        busy = sum(len(files) for queue in ("incoming", "active", "maildrop")
                   for _, _, files in os.walk(os.path.join(queue_dir, queue)))
        if busy == 0:
            return
        time.sleep(1)


def fill_to(info, target, prefix="queue-fill"):
    """Sends messages with smtp-source to the host `info` (lab.json's hosts[HOST]) until
    `target` are held; returns how many are held."""
    config_dir = info["postfix_config_dir"]
    address = f"{info['address']}:{info['ports']['smtp']}"
    have = count_held(config_dir)
    while have < target:
        batch = min(target - have, 5000 * DOMAINS)
        per_domain = max(1, batch // DOMAINS)
        say(f"queue holds {have}; adding {per_domain * DOMAINS}", prefix)
        processes = [subprocess.Popen(["smtp-source", "-s", "4", "-m", str(per_domain), "-l", "2048",
                                       "-f", f"bench{d}@sender{d % 5}.example.org",
                                       "-t", f"user{d}@dest{d}.example.net", address],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for d in range(DOMAINS)]
        for process in processes:
            process.wait()
        wait_settled(config_dir)
        have = count_held(config_dir)
    return have


def main():
    if len(sys.argv) != 4:
        print("usage: queue_fill.py LAB_DIR HOST COUNT", file=sys.stderr)
        return 2
    lab_dir, host, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    info = host_info(lab_dir, host)
    hold_everything(info["postfix_config_dir"])
    held = fill_to(info, count)
    print(held)
    return 0


if __name__ == "__main__":
    sys.exit(main())
