"""The lab's cleanup and its test at once: `mailng-lab down` must leave no process of the
lab running. Runs last (ctest FIXTURES_CLEANUP), also when other tests failed."""

import json
import os
import subprocess
import sys
import time

lab_dir = os.environ["MAILNG_LAB_DIR"]
lab_tool = os.path.join(os.environ["MAILNG_BUILD_DIR"], "lab", "mailng-lab")


def recorded_pids():
    try:
        with open(os.path.join(lab_dir, "state.json")) as handle:
            records = json.load(handle)
    except (OSError, ValueError):
        return []
    pids = []
    for record in records:
        try:
            with open(record["pid_file"]) as handle:
                pids.append(int(handle.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
        if record.get("pid"):
            pids.append(record["pid"])
    return pids


def descendants(roots):
    """Every live process below `roots` (smtpd, imap-login, amavisd children...)."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent_of[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = set(), set(roots)
    while frontier:
        children = {pid for pid, parent in parent_of.items() if parent in frontier}
        frontier = children - found
        found |= children
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def processes_mentioning_lab():
    """Processes whose command line names the lab directory (every lab daemon does)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if lab_dir in cmdline and "lab_down_check" not in cmdline:
            found.append(f"{entry}: {cmdline.strip()}")
    return found


pids = recorded_pids()
if not pids:
    print("FAIL: the lab recorded no processes; was it up?")
    sys.exit(1)
family = set(pids) | descendants(pids)
result = subprocess.run([lab_tool, "down", "--dir", lab_dir], capture_output=True, text=True)
print(result.stdout + result.stderr, end="")
time.sleep(1)
survivors = sorted(pid for pid in family if alive(pid))
left = processes_mentioning_lab()
if result.returncode != 0 or survivors or left:
    print(f"FAIL: down rc={result.returncode}, still alive {survivors}, left: {left}")
    sys.exit(1)
print(f"lab down: all {len(family)} processes of the lab gone")
