"""host.status over SSH on every lab host, checked against what the lab runs there; a
daemon stopped and started again; mailng-policyd's counters in host.status after a
refused RCPT; the lab's own `mailng-agent serve` (daemon "agent") and a test's one
sampling into metrics.history; `mailng-agent check queue` as Nagios runs it, with real
held mail (issue 4)."""

import json
import re
import shlex
import time
import unittest
import uuid

import labtest
from agentclient import Agent, AgentError, postqueue_json, run_on
from test_agent_queue import DEAD_DOMAIN, submit, wait_deferred

RELAY = "theano"
QUEUE_NAMES = {"maildrop", "incoming", "active", "deferred", "hold", "corrupt"}
PERFDATA = (r" \| incoming=(\d+);;;0; active=(\d+);;;0; deferred=(\d+);;;0; hold=(\d+);;;0; "
            r"total=(\d+);(\d+);(\d+);0;$")

# What host.status calls the daemons `mailng-lab status` lists, per role.
SERVICE_OF_DAEMON = {"postfix": "postfix", "dovecot": "dovecot", "amavisd": "amavisd",
                     "slapd": "slapd", "policyd": "mailng-policyd",
                     "bridge": "mailng-quotad-bridge"}


POLICY = labtest.lab().get("policy", {})
POLICY_REJECTS = ("reject_unknown", "reject_disabled", "reject_over_quota")


def lab_daemons(everything=False):
    """{host: {daemon: pid}} from `mailng-lab status`. Unless `everything`, without sshd
    and the agent's own serve: host.status lists the host's mail services only."""
    result = labtest.lab_tool("status")
    daemons = {}
    for line in result.stdout.splitlines():
        host, daemon, state = line.split("\t")
        if daemon in ("sshd", "agent") and not everything:
            continue
        match = re.fullmatch(r"up, pid (\d+)", state)
        daemons.setdefault(host, {})[daemon] = int(match.group(1)) if match else None
    return daemons


def agent_argv(host_name):
    """The host's agent command line (lab.json agent_command) as words, without `stdio`."""
    words = shlex.split(labtest.lab()["hosts"][host_name]["agent_command"])
    assert words[-1] == "stdio", words
    return words[:-1]


def config_path(host_name):
    words = agent_argv(host_name)
    return words[words.index("--config") + 1]


def edited_toml(text, extra, top_level=None):
    """`text` with the tables that `extra` has removed (extra's replace them: TOML allows
    a table once), `extra` appended, and the top-level keys in `top_level` set."""
    for table in re.findall(r"^\[([^\]]+)\]$", extra, re.M):
        text = re.sub(rf"^\[{re.escape(table)}\]\n(?:(?!\[).*\n?)*", "", text, flags=re.M)
    for key, value in (top_level or {}).items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {json.dumps(value)}", text,
                              count=1, flags=re.M)
        assert count == 1, key
    return text + "\n" + extra


class TestConfig:
    """A copy of a host's agent.toml edited by edited_toml(), written over SSH next to
    the original (same state_dir unless `top_level` changes it, so the stdio agent sees
    what it records) and removed at the end."""

    def __init__(self, host_name, name, extra, top_level=None):
        self.host = host_name
        original = config_path(host_name)
        self.path = original[:-len(".toml")] + f"-{name}.toml"
        text = run_on(host_name, "cat", original).stdout
        run_on(host_name, "cat", ">", self.path,
               input_text=edited_toml(text, extra, top_level))

    def argv(self, *command):
        words = agent_argv(self.host)
        words[words.index("--config") + 1] = self.path
        return [*words, *command]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        run_on(self.host, "rm", "-f", self.path)


def check_queue(host_name, config=None):
    """(exit status, stdout) of `mailng-agent check queue` run over SSH, as Nagios's
    check_by_ssh would."""
    argv = config.argv("check", "queue") if config else [*agent_argv(host_name), "check", "queue"]
    result = run_on(host_name, *argv, check=False)
    return result.returncode, result.stdout


class HostStatusTest(unittest.TestCase):
    def status(self, host_name):
        with Agent(host_name) as agent:
            return agent.call("host.status")

    def test_every_host_reports_what_the_lab_runs_there(self):
        daemons = lab_daemons()
        for name, host in labtest.lab()["hosts"].items():
            with self.subTest(host=name):
                status = self.status(name)
                self.assertEqual((status["host"], status["role"]), (name, host["role"]))
                expected = {SERVICE_OF_DAEMON[d]: pid for d, pid in daemons[name].items()}
                services = {s["name"]: s for s in status["services"]}
                self.assertEqual(set(services), set(expected))
                for service, pid in expected.items():
                    self.assertEqual(services[service]["state"], "running", services[service])
                    self.assertEqual(services[service]["pid"], pid, service)
                self.assertEqual(len(status["load"]), 3)
                self.assertGreater(status["uptime_s"], 0)
                self.assertEqual([fs["name"] for fs in status["filesystems"]], ["mail", "var"])
                for fs in status["filesystems"]:
                    self.assertGreater(fs["total_bytes"], 0, fs)
                    self.assertTrue(0 <= fs["used_percent"] <= 100, fs)
                if "smtp" in host["ports"]:
                    self.assertEqual(set(status["queues"]), QUEUE_NAMES)
                    self.assertTrue(all(n >= 0 for n in status["queues"].values()))
                    self.assertNotIn("queues", status["unavailable"])
                else:
                    self.assertIsNone(status["queues"])
                    self.assertIn("no Postfix", status["unavailable"]["queues"])
                if "imap" in host["ports"]:
                    self.assertEqual(set(status["sessions"]), {"imap", "pop3", "proxied"})
                    self.assertNotIn("sessions", status["unavailable"])
                    self.assertNotIn("sessions_proxied", status["unavailable"])
                else:
                    self.assertIsNone(status["sessions"])
                    self.assertIn("no Dovecot", status["unavailable"]["sessions"])

    def test_viewer_may_read_it_a_stranger_may_not(self):
        with Agent(RELAY, as_user="lab-viewer") as viewer:
            self.assertEqual(viewer.call("host.status")["host"], RELAY)
        with Agent(RELAY, as_user="somebody-else") as stranger:
            for method in ("host.status", "metrics.history"):
                with self.assertRaises(AgentError) as refused:
                    stranger.call(method)
                self.assertEqual(refused.exception.code, -32001, method)
                self.assertEqual(refused.exception.data["required_role"], "viewer")

    def test_an_imap_session_counts_on_the_relay_and_on_its_backend(self):
        before = {name: self.status(name)["sessions"]["imap"]
                  for name in labtest.hosts_with_role("backend")}
        session = labtest.imap_login("bob", relay=labtest.lab()["hosts"][RELAY])
        try:
            self.assertEqual(session.select("INBOX")[0], "OK")
            relay = self.status(RELAY)["sessions"]
            self.assertGreaterEqual(relay["imap"], 1)
            self.assertGreaterEqual(relay["proxied"], 1)
            after = {name: self.status(name)["sessions"]["imap"] for name in before}
            self.assertGreater(sum(after.values()), sum(before.values()))
        finally:
            session.logout()

    def test_a_stopped_daemon_shows_stopped_and_comes_back(self):
        for host, daemon in (("gorgo", "bridge"), ("thalia", "postfix")):
            service = SERVICE_OF_DAEMON[daemon]
            with self.subTest(host=host, daemon=daemon):
                labtest.stop_daemon(host, daemon)
                try:
                    states = {s["name"]: s for s in self.status(host)["services"]}
                    self.assertEqual(states[service]["state"], "stopped")
                    self.assertIsNone(states[service]["pid"])
                    self.assertTrue(states[service]["detail"])
                    others = [s for name, s in states.items() if name != service]
                    self.assertTrue(all(s["state"] == "running" for s in others), others)
                finally:
                    labtest.start_daemon(host, daemon)
                states = {s["name"]: s for s in self.status(host)["services"]}
                self.assertEqual(states[service]["state"], "running")
                self.assertEqual(states[service]["pid"], lab_daemons()[host][daemon])


def policyd_entry(host_name):
    with Agent(host_name) as agent:
        services = agent.call("host.status")["services"]
    return next(s for s in services if s["name"] == "mailng-policyd")


@unittest.skipUnless(POLICY, "the lab runs no policy daemons (mailng-policyd not built)")
class PolicyStatsTest(unittest.TestCase):
    def test_a_refused_rcpt_shows_in_the_relays_policyd_stats(self):
        before = policyd_entry(RELAY).get("stats", {}).get("answers", {}).get("reject_unknown", 0)
        relay = labtest.lab()["hosts"][RELAY]
        code, text = labtest.rcpt(f"nobody-{uuid.uuid4().hex[:10]}@{labtest.lab()['domain']}",
                                  relay=relay)
        self.assertEqual(code, 550, text)
        # policyd rewrites its stats file every 5 s.
        deadline = time.monotonic() + 15
        while True:
            entry = policyd_entry(RELAY)
            stats = entry.get("stats", {})
            if stats.get("answers", {}).get("reject_unknown", 0) > before:
                break
            self.assertLess(time.monotonic(), deadline, entry)
            time.sleep(1)
        self.assertNotIn("stats_error", entry)
        self.assertEqual(entry["state"], "running")
        self.assertGreaterEqual(stats["requests"], 1)
        self.assertEqual(stats["version"], 1)
        self.assertTrue(0 <= stats["age_s"] <= 15, stats)
        self.assertEqual(set(stats["answers"]), {"dunno", *POLICY_REJECTS, "failure_action",
                                                 "stale"})
        self.assertEqual({b["bridge"] for b in stats["bridges"]},
                         {f"{h['address']}:{h['ports']['bridge']}"
                          for h in labtest.hosts_with_role("backend").values()})

    def test_only_the_policyd_service_has_stats(self):
        for name in labtest.lab()["hosts"]:
            with self.subTest(host=name):
                with Agent(name) as agent:
                    services = agent.call("host.status")["services"]
                for service in services:
                    if service["name"] == "mailng-policyd":
                        self.assertIn("stats", service)
                    else:
                        self.assertNotIn("stats", service)
                        self.assertNotIn("stats_error", service)


class ServeAndCheckTest(unittest.TestCase):
    def test_the_lab_runs_serve_on_every_host(self):
        daemons = lab_daemons(everything=True)
        for name in labtest.lab()["hosts"]:
            self.assertIsNotNone(daemons[name].get("agent"), (name, daemons[name]))
        # Stopped and started like the lab's other daemons.
        labtest.stop_daemon("thalia", "agent")
        try:
            self.assertIsNone(lab_daemons(everything=True)["thalia"]["agent"])
        finally:
            labtest.start_daemon("thalia", "agent")
        restarted = lab_daemons(everything=True)["thalia"]["agent"]
        self.assertNotIn(restarted, (None, daemons["thalia"]["agent"]))

    def test_the_labs_serve_fills_metrics_history(self):
        # The lab's serve samples every 10 s: each host gets a new row within 25 s, and a
        # relay's rows carry its policyd's counters.
        started = int(time.time())
        waiting = set(labtest.lab()["hosts"])
        deadline = time.monotonic() + 25
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                with Agent(name) as agent:
                    history = agent.call("metrics.history", {"from": started})
                if history["rows"]:
                    waiting.discard(name)
                    self.check_policy_columns(name, history)
            time.sleep(1)
        self.assertEqual(waiting, set(), "no new sample within 25 s")

    def check_policy_columns(self, name, history):
        row = dict(zip(history["columns"], history["rows"][-1]))
        if name in labtest.hosts_with_role("relay") and POLICY:
            self.assertIsInstance(row["policy_requests"], int, row)
            self.assertIsInstance(row["policy_rejects"], int, row)
            self.assertLessEqual(row["policy_rejects"], row["policy_requests"], row)
        else:
            self.assertIsNone(row["policy_requests"], (name, row))

    def test_metrics_history_before_any_serve(self):
        # The lab runs serve everywhere, so a state_dir that no serve ever used stands in
        # for a host where it never ran.
        host = "nireas"
        state_dir = config_path(host)[:-len("/agent.toml")] + f"/agent-state-{uuid.uuid4().hex[:8]}"
        request = {"jsonrpc": "2.0", "id": 1, "method": "metrics.history"}
        try:
            with TestConfig(host, "no-serve", "", {"state_dir": state_dir}) as config:
                answer = run_on(host, *config.argv("stdio"), input_text=json.dumps(request) + "\n")
        finally:
            run_on(host, "rm", "-rf", state_dir)
        error = json.loads(answer.stdout.splitlines()[0])["error"]
        self.assertEqual(error["code"], -32004)
        self.assertIn("serve", error["message"])

    def test_serve_samples_into_metrics_history(self):
        # A second writer beside the lab's serve (every 10 s) on the same metrics.sqlite:
        # WAL and the busy timeout let both write, and a sample of the same second
        # replaces the other's, so there is still one row a second.
        host = "thalia"
        with TestConfig(host, "serve", "[metrics]\ninterval_s = 1\n") as config:
            started = int(time.time())
            # `timeout` sends SIGTERM after 5 s; serve stops cleanly and exits 0.
            serve = run_on(host, "timeout", "--preserve-status", "-s", "TERM", "5",
                           *config.argv("serve", "--foreground"), check=False)
            ended = int(time.time())
        self.assertEqual(serve.returncode, 0, serve.stderr)
        self.assertIn("sampling every 1 s", serve.stderr)
        self.assertIn("serve: stopped", serve.stderr)
        with Agent(host) as agent:
            history = agent.call("metrics.history", {"from": started, "to": ended})
            self.assertEqual(history["columns"][:5], ["time", "queue_incoming", "queue_active",
                                                      "queue_deferred", "queue_hold"])
            self.assertIn("services_down", history["columns"])
            # One sample a second for 5 s (the default interval would have given one).
            self.assertTrue(3 <= history["matched"] <= 7, history)
            self.assertEqual(len(history["rows"]), history["matched"])
            times = [row[0] for row in history["rows"]]
            self.assertEqual(times, sorted(set(times)))
            self.assertTrue(started <= times[0] and times[-1] <= ended, (started, times, ended))
            down = history["columns"].index("services_down")
            imap = history["columns"].index("sessions_imap")
            for row in history["rows"]:
                self.assertEqual(len(row), len(history["columns"]))
                self.assertTrue(all(isinstance(n, int) for n in row[1:5]), row)
                self.assertEqual(row[down], 0, row)
                self.assertIsNone(row[imap], row)  # no Dovecot on thalia
            thinned = agent.call("metrics.history", {"from": started, "to": ended,
                                                     "metrics": ["queue_hold", "services_down"],
                                                     "max_points": 2})
            self.assertEqual(thinned["columns"], ["time", "queue_hold", "services_down"])
            self.assertEqual([row[0] for row in thinned["rows"]], [times[0], times[-1]])
            for bad in ({"metrics": ["no_such_metric"]}, {"from": 10, "to": 5},
                        {"max_points": 0}, {"metrics": []}, {"when": 1}):
                with self.assertRaises(AgentError) as refused:
                    agent.call("metrics.history", bad)
                self.assertEqual(refused.exception.code, -32602, bad)

    def test_check_queue_ok_with_the_default_thresholds(self):
        status, out = check_queue(RELAY)
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"^QUEUE OK - \d+ messages?")
        perfdata = re.search(PERFDATA, out.rstrip("\n"))
        self.assertIsNotNone(perfdata, out)
        self.assertEqual(perfdata.groups()[5:], ("500", "2000"))
        self.assertEqual(out.count("\n"), 1)

    def test_check_queue_without_postfix_is_unknown(self):
        status, out = check_queue("nireas")
        self.assertEqual(status, 3, out)
        self.assertTrue(out.startswith("QUEUE UNKNOWN - "), out)

    def test_check_queue_warns_and_goes_critical_with_held_mail(self):
        tag = labtest.unique_subject("c").split()[1]
        sender = f"check-{tag}@outside.example.net"
        with Agent(RELAY) as agent:
            try:
                for n in range(4):
                    submit(sender, [f"held{n}@{DEAD_DOMAIN}"], f"check queue {n}")
                ids = wait_deferred(sender, 4)
                held = agent.call("queue.hold", {"queue_ids": ids})
                self.assertEqual(held["affected"], 4)
                in_hold = sum(1 for m in postqueue_json(RELAY).values()
                              if m["queue_name"] == "hold")
                self.assertEqual(agent.call("host.status")["queues"]["hold"], in_hold)
                levels = ((1, 1000, 1, "WARNING"), (1, 3, 2, "CRITICAL"))
                for warning, critical, want_status, word in levels:
                    extra = f"[check_queue]\nwarning = {warning}\ncritical = {critical}\n"
                    with TestConfig(RELAY, f"check-{tag}", extra) as config:
                        status, out = check_queue(RELAY, config)
                    self.assertEqual(status, want_status, out)
                    self.assertTrue(out.startswith(f"QUEUE {word} - "), out)
                    self.assertIn(f"hold {in_hold}", out)
                    perfdata = re.search(PERFDATA, out.rstrip("\n"))
                    self.assertIsNotNone(perfdata, out)
                    self.assertEqual(int(perfdata.group(4)), in_hold)
                    self.assertGreaterEqual(int(perfdata.group(5)), 4)
                    self.assertEqual(perfdata.groups()[5:], (str(warning), str(critical)))
            finally:
                agent.call("queue.delete", {"sender": sender})
        self.assertEqual([m for m in postqueue_json(RELAY).values() if m["sender"] == sender],
                         [])


if __name__ == "__main__":
    unittest.main()
