"""mailng-agent's queue verbs over SSH on a relay with real deferred and held mail, each
checked against `postqueue -j` of that Postfix instance; roles, bad input and the audit
log too (issue 4)."""

import json
import smtplib
import subprocess
import time
import unittest

import labtest
from agentclient import Agent, AgentError, postqueue_json

RELAY = "theano"
DEAD_DOMAIN = "unreachable.example.net"
CLIENT_ADDRESS = "127.0.1.15"  # thalia: in mynetworks, so the relay relays for it


def submit(sender, recipients, subject):
    relay = labtest.lab()["hosts"][RELAY]
    with smtplib.SMTP(relay["address"], relay["ports"]["smtp"], timeout=30,
                      source_address=(CLIENT_ADDRESS, 0)) as client:
        message = labtest.make_message(sender, recipients[0], subject)
        client.send_message(message, from_addr=sender, to_addrs=recipients)


def wait_deferred(sender, count, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        queue = postqueue_json(RELAY)
        mine = [m for m in queue.values()
                if m["sender"] == sender and m["queue_name"] == "deferred"]
        if len(mine) >= count:
            return sorted(m["queue_id"] for m in mine)
        time.sleep(1)
    raise AssertionError(f"{count} deferred messages from {sender} did not appear")


def comparable(message):
    """The fields both sources must agree on."""
    return {
        "queue_name": message["queue_name"],
        "queue_id": message["queue_id"],
        "arrival_time": message["arrival_time"],
        "message_size": message["message_size"],
        "sender": message["sender"],
        "recipients": sorted((r["address"], r.get("delay_reason", ""))
                             for r in message["recipients"]),
    }


class AgentQueueTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tag = labtest.unique_subject("q").split()[1]
        cls.sender = f"queue-{cls.tag}@outside.example.net"
        alice = labtest.user("alice")["address"]
        for n in range(4):
            submit(cls.sender, [f"nobody{n}@{DEAD_DOMAIN}", alice], f"queue test {n}")
        cls.ids = wait_deferred(cls.sender, 4)
        cls.agent = Agent(RELAY)

    @classmethod
    def tearDownClass(cls):
        cls.agent.call("queue.delete", {"sender": cls.sender})
        cls.agent.close()

    def list_mine(self, **params):
        return self.agent.call("queue.list", {"sender": self.sender, **params})

    def test_hello_says_who_and_what(self):
        hello = self.agent.call("agent.hello")
        self.assertEqual(hello["host"], RELAY)
        self.assertEqual(hello["role"], "relay")
        self.assertEqual(hello["caller"], "root")
        self.assertEqual(hello["access"], "admin")
        self.assertIn("queue.delete", hello["methods"])
        self.assertTrue(hello["capabilities"]["queue"])

    def test_a_host_without_postfix_says_so(self):
        # nireas, the directory, runs no Postfix: every queue method is not_supported
        # (the console shows it as a host without a queue, not as a failure).
        with Agent("nireas") as directory:
            self.assertFalse(directory.call("agent.hello")["capabilities"]["queue"])
            for method, params in (("queue.list", {}), ("queue.summary", {}),
                                   ("queue.hold", {"ids": ["4BxYzW1abc"]})):
                with self.assertRaises(AgentError) as refused:
                    directory.call(method, params)
                self.assertEqual(refused.exception.code, -32004, method)
                self.assertIn("Postfix", refused.exception.message)

    def test_list_from_the_files_equals_postqueue(self):
        for source in ("files", "postqueue"):
            # A retry may move a message between queues between the two reads: compare
            # again until both reads agree or the attempts run out.
            for attempt in range(5):
                listed = self.agent.call("queue.list", {"limit": 5000, "source": source})
                truth = postqueue_json(RELAY)
                got = {m["queue_id"]: comparable(m) for m in listed["items"]}
                want = {i: comparable(truth[i]) for i in self.ids if i in truth}
                if all(got.get(i) == want[i] for i in want) and len(want) == len(self.ids):
                    break
                time.sleep(1)
            self.assertEqual(listed["source"], source)
            for queue_id in self.ids:
                self.assertEqual(got.get(queue_id), want.get(queue_id), source)

    def test_delivered_recipient_is_not_listed(self):
        # alice was delivered at once; only the dead domain's recipient is pending.
        listed = self.list_mine(limit=100)
        self.assertEqual(listed["total"], 4)
        for message in listed["items"]:
            self.assertEqual([r["address"].split("@")[1] for r in message["recipients"]],
                             [DEAD_DOMAIN])
            self.assertIn("Connection refused", message["recipients"][0]["delay_reason"])

    def test_filters_and_paging(self):
        self.assertEqual(self.list_mine(domain=DEAD_DOMAIN)["total"], 4)
        self.assertEqual(self.list_mine(reason="connection refused")["total"], 4)
        self.assertEqual(self.list_mine(reason="no such reason anywhere")["total"], 0)
        self.assertEqual(self.list_mine(min_age=86400)["total"], 0)
        self.assertEqual(self.list_mine(queue="hold")["total"], 0)
        pages = [self.list_mine(limit=1, offset=n)["items"][0]["queue_id"] for n in range(4)]
        self.assertEqual(sorted(pages), self.ids)

    def test_summary_counts_like_qshape(self):
        summary = self.agent.call("queue.summary", {"queue": "deferred"})
        config_dir = labtest.lab()["hosts"][RELAY]["postfix_config_dir"]
        qshape = subprocess.run(["qshape", "-c", config_dir, "deferred"], capture_output=True,
                                text=True, check=True).stdout
        rows = {line.split()[0]: int(line.split()[1]) for line in qshape.splitlines()[1:]
                if line.strip()}
        self.assertEqual(summary["total"]["counts"][0], rows["TOTAL"])
        ours = {row["domain"]: row["counts"][0] for row in summary["rows"]}
        self.assertGreaterEqual(ours[DEAD_DOMAIN], 4)
        self.assertEqual(ours[DEAD_DOMAIN], rows[DEAD_DOMAIN])

    def test_show_returns_the_message(self):
        shown = self.agent.call("queue.show", {"queue_id": self.ids[0]})
        self.assertIn("queue test", shown["text"])
        self.assertFalse(shown["truncated"])

    def test_show_of_a_missing_or_bad_id(self):
        with self.assertRaises(AgentError) as missing:
            self.agent.call("queue.show", {"queue_id": "ABCDEF12345"})
        self.assertEqual(missing.exception.code, -32002)
        for bad in ("../../etc/passwd", "-d", "ALL", "abc"):
            with self.assertRaises(AgentError) as invalid:
                self.agent.call("queue.show", {"queue_id": bad})
            self.assertEqual(invalid.exception.code, -32602, bad)

    def test_hold_and_release(self):
        queue_id = self.ids[1]
        held = self.agent.call("queue.hold", {"queue_ids": [queue_id]})
        self.assertEqual(held["affected"], 1)
        self.assertEqual(postqueue_json(RELAY)[queue_id]["queue_name"], "hold")
        self.assertEqual(self.list_mine(queue="hold")["total"], 1)
        released = self.agent.call("queue.release", {"queue_ids": [queue_id]})
        self.assertEqual(released["affected"], 1)
        self.assertNotEqual(postqueue_json(RELAY)[queue_id]["queue_name"], "hold")

    def test_requeue(self):
        sender = f"requeue-{self.tag}@outside.example.net"
        submit(sender, [f"again@{DEAD_DOMAIN}"], "requeue test")
        [queue_id] = wait_deferred(sender, 1)
        requeued = self.agent.call("queue.requeue", {"queue_ids": [queue_id]})
        self.assertEqual(requeued["affected"], 1)
        self.agent.call("queue.delete", {"sender": sender})

    def test_delete_by_id_and_by_filter(self):
        sender = f"delete-{self.tag}@outside.example.net"
        for n in range(3):
            submit(sender, [f"gone{n}@{DEAD_DOMAIN}"], f"delete test {n}")
        ids = wait_deferred(sender, 3)
        deleted = self.agent.call("queue.delete", {"queue_ids": [ids[0]]})
        self.assertEqual(deleted["affected"], 1)
        self.assertNotIn(ids[0], postqueue_json(RELAY))
        with self.assertRaises(AgentError) as gone:
            self.agent.call("queue.delete", {"queue_ids": [ids[0]]})
        self.assertEqual(gone.exception.code, -32002)
        by_filter = self.agent.call("queue.delete", {"sender": sender})
        self.assertEqual(by_filter["affected"], 2)
        remaining = [m for m in postqueue_json(RELAY).values() if m["sender"] == sender]
        self.assertEqual(remaining, [])

    def test_delete_everything_needs_the_host_name(self):
        before = len(postqueue_json(RELAY))
        for params in ({"all": True}, {"all": True, "confirm": "elysso"}, {}):
            with self.assertRaises(AgentError) as refused:
                self.agent.call("queue.delete", params)
            self.assertEqual(refused.exception.code, -32602)
        self.assertEqual(len(postqueue_json(RELAY)), before)

    def test_flush_reports_the_deferred_messages(self):
        flushed = self.agent.call("queue.flush")
        self.assertGreaterEqual(flushed["affected"], 1)

    def test_viewer_reads_but_may_not_delete(self):
        with Agent(RELAY, as_user="lab-viewer") as viewer:
            self.assertEqual(viewer.call("agent.hello")["access"], "viewer")
            self.assertEqual(viewer.call("queue.list", {"sender": self.sender})["total"], 4)
            with self.assertRaises(AgentError) as refused:
                viewer.call("queue.delete", {"queue_ids": [self.ids[0]]})
            self.assertEqual(refused.exception.code, -32001)
            self.assertEqual(refused.exception.data["required_role"], "operator")
        self.assertIn(self.ids[0], postqueue_json(RELAY))
        audit = self.agent.call("audit.list", {"user": "lab-viewer", "method": "queue.delete"})
        self.assertEqual(audit["items"][0]["outcome"], "denied")

    def test_a_stranger_gets_nothing_but_hello(self):
        with Agent(RELAY, as_user="somebody-else") as stranger:
            self.assertEqual(stranger.call("agent.hello")["access"], "none")
            with self.assertRaises(AgentError) as refused:
                stranger.call("queue.list")
            self.assertEqual(refused.exception.code, -32001)

    def test_changes_are_in_the_audit_log(self):
        queue_id = self.ids[2]
        self.agent.call("queue.hold", {"queue_ids": [queue_id]})
        self.agent.call("queue.release", {"queue_ids": [queue_id]})
        entries = self.agent.call("audit.list", {"limit": 10})["items"]
        release, hold = entries[0], entries[1]
        self.assertEqual((release["method"], hold["method"]), ("queue.release", "queue.hold"))
        for entry in (release, hold):
            self.assertEqual(entry["user"], "root")
            self.assertEqual(entry["outcome"], "ok")
            self.assertEqual(entry["affected"], 1)
            self.assertEqual(entry["params"], {"queue_ids": [queue_id]})
            self.assertEqual(entry["host"], RELAY)

    def test_bad_input_gets_errors_and_the_session_goes_on(self):
        agent = self.agent
        self.assertEqual(agent.send_line(b"{not json")["error"]["code"], -32700)
        self.assertEqual(agent.send_line(b"[]")["error"]["code"], -32600)
        self.assertEqual(agent.send_line(b'{"jsonrpc":"2.0","id":1}')["error"]["code"], -32600)
        self.assertEqual(agent.send_line(b"x" * (1 << 20 + 1))["error"]["code"], -32700)
        self.assertEqual(agent.call_raw("queue.nothing")["error"]["code"], -32601)
        self.assertEqual(agent.call_raw("queue.list", {"limit": "ten"})["error"]["code"], -32602)
        self.assertEqual(agent.call_raw("queue.list", {"sendr": "x"})["error"]["code"], -32602)
        self.assertEqual(agent.call_raw("queue.hold", {"queue_ids": "ABC"})["error"]["code"],
                         -32602)
        self.assertEqual(agent.call("agent.hello")["host"], RELAY)


if __name__ == "__main__":
    unittest.main()
