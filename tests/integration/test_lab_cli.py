"""mailng-lab's own contract: `up` is idempotent, a taken port is named and nothing is left
half-started, `status` reports every daemon, and lab.json has what DESIGN.md fixes."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import labtest

TOOL = os.path.join(labtest.BUILD_DIR, "lab", "mailng-lab")


def lab_tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=300)


class LabCliTest(unittest.TestCase):
    def test_up_again_is_a_no_op(self):
        before = open(os.path.join(labtest.LAB_DIR, "state.json")).read()
        result = lab_tool("up", "--dir", labtest.LAB_DIR)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("already up", result.stdout)
        self.assertEqual(open(os.path.join(labtest.LAB_DIR, "state.json")).read(), before)

    def test_second_lab_names_the_taken_port_and_starts_nothing(self):
        other = tempfile.mkdtemp(prefix="mailng-lab-other-")
        try:
            result = lab_tool("up", "--dir", other)
            self.assertEqual(result.returncode, 1)
            self.assertRegex(result.stderr, r"port 127\.0\.1\.\d+:\d+ \(\w+ of \w+\) is taken")
            self.assertFalse(os.path.exists(os.path.join(other, "state.json")))
            self.assertFalse(os.path.exists(os.path.join(other, "lab.json")))
        finally:
            shutil.rmtree(other, ignore_errors=True)

    def test_status_lists_every_daemon_up(self):
        result = lab_tool("status", "--dir", labtest.LAB_DIR)
        self.assertEqual(result.returncode, 0, result.stdout)
        lines = result.stdout.strip().splitlines()
        daemons = {tuple(line.split("\t")[:2]) for line in lines}
        for name, host in labtest.lab()["hosts"].items():
            self.assertIn((name, "sshd"), daemons)
            if host["role"] == "relay":
                for daemon in ("postfix", "dovecot", "amavisd"):
                    self.assertIn((name, daemon), daemons)
        self.assertNotIn("DOWN", result.stdout)

    def test_lab_json_follows_the_design_contract(self):
        lab = labtest.lab()
        for key in ("hosts", "domain", "ldap", "ssh", "cluster_file", "users", "outside_address"):
            self.assertIn(key, lab)
        for key in ("uri", "base", "root_dn", "root_password"):
            self.assertTrue(lab["ldap"][key])
        for key in ("user", "key", "known_hosts"):
            self.assertTrue(lab["ssh"][key])
        roles = sorted(host["role"] for host in lab["hosts"].values())
        self.assertEqual(roles, ["backend", "backend", "client", "directory", "relay", "relay"])
        for host in lab["hosts"].values():
            self.assertIn("agent_command", host)
            self.assertIn("ssh", host["ports"])
        relay = labtest.first_host("relay")
        for port in ("smtp", "submission", "imap", "pop3", "sieve"):
            self.assertIn(port, relay["ports"])
        self.assertTrue(all(u["address"] and u["password"] for u in lab["users"]))

    def test_every_host_answers_ssh_with_the_recorded_host_key(self):
        lab = labtest.lab()
        for name, host in sorted(lab["hosts"].items()):
            with self.subTest(host=name):
                result = subprocess.run(
                    ["ssh", "-i", lab["ssh"]["key"], "-p", str(host["ports"]["ssh"]),
                     "-o", "UserKnownHostsFile=" + lab["ssh"]["known_hosts"],
                     "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                     "-o", "GlobalKnownHostsFile=/dev/null",
                     f"{lab['ssh']['user']}@{host['address']}", "echo", "reached"],
                    capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip(), "reached")


if __name__ == "__main__":
    unittest.main()
