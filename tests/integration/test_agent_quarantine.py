"""mailng-agent's quarantine verbs over SSH on a relay whose real amavisd quarantined
GTUBE mail sent from the Internet: listed with what amavisd wrote, shown, released
through the relay's amavisd-release (to the original or to chosen recipients) and then
read over IMAP, deleted; unknown and invalid ids, roles, amavisd down, the audit log
(issue 4)."""

import os
import time
import unittest

import labtest
from agentclient import Agent, AgentError
from test_amavis import GTUBE

RELAY = "theano"
OTHER_RELAY = "elysso"
UNKNOWN_ID = "AAAAAAAAAAAA"  # a well-formed amavisd mail_id that was never issued


def quarantine_dir():
    return labtest.lab()["hosts"][RELAY]["amavis_quarantine"]


def file_on_disk(entry):
    return os.path.join(quarantine_dir(), entry["file"])


def audited(agent, method, mail_id):
    """The audit entries of `method` that named `mail_id`, newest first."""
    listed = agent.call("audit.list", {"method": method, "limit": 50})["items"]
    entries = [entry for entry in listed if mail_id in entry["params"].get("mail_ids", [])]
    if not entries:
        raise AssertionError(f"no {method} of {mail_id} in the audit log")
    return entries


def latest_audit(agent, method, mail_id):
    return audited(agent, method, mail_id)[0]


class AgentQuarantineTest(unittest.TestCase):
    # kept: never released or deleted (list, show, filters, refusals); the others are
    # each used up by one test.
    MESSAGES = ("kept", "release", "redirect", "delete")

    @classmethod
    def setUpClass(cls):
        cls.tag = labtest.unique_subject("x").split()[1]
        cls.sender = f"quarantine-{cls.tag}@outside.example.net"
        cls.bob = labtest.user("bob")["address"]
        cls.alice = labtest.user("alice")["address"]
        relay = labtest.lab()["hosts"][RELAY]
        cls.subjects = {name: f"quarantine {name} {cls.tag}" for name in cls.MESSAGES}
        for subject in cls.subjects.values():
            labtest.send_from_outside(cls.bob, subject, body=GTUBE + "\n", sender=cls.sender,
                                      relay=relay)
        cls.agent = Agent(RELAY)
        cls.entries = cls.wait_listed(len(cls.MESSAGES))

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    @classmethod
    def wait_listed(cls, count, timeout=90):
        """This run's quarantine entries by name, once amavisd has written them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listed = cls.agent.call("quarantine.list", {"sender": cls.sender})
            if listed["total"] >= count:
                by_subject = {item["subject"]: item for item in listed["items"]}
                return {name: by_subject[subject] for name, subject in cls.subjects.items()}
            time.sleep(1)
        raise AssertionError(f"amavisd on {RELAY} did not quarantine {count} GTUBE messages")

    def list_subject(self, name, agent=None, **params):
        return (agent or self.agent).call("quarantine.list",
                                          {"subject": self.subjects[name], **params})

    def test_list_shows_what_amavisd_quarantined(self):
        entry = self.entries["kept"]
        self.assertEqual(entry["type"], "spam")
        self.assertEqual(entry["sender"], self.sender)
        self.assertEqual(entry["recipients"], [self.bob])
        self.assertEqual(entry["subject"], self.subjects["kept"])
        self.assertGreaterEqual(entry["score"], 999)
        self.assertTrue(entry["spam_flag"])
        self.assertTrue(entry["complete"])
        self.assertRegex(entry["mail_id"], r"^[A-Za-z0-9_-]{12}$")
        self.assertEqual(entry["file"], f"spam-{entry['mail_id']}.gz")
        stat = os.stat(file_on_disk(entry))
        self.assertEqual(entry["size"], stat.st_size)
        self.assertEqual(entry["time"], int(stat.st_mtime))
        # Quarantined by the relay it was sent to, and only there.
        with Agent(OTHER_RELAY) as other:
            self.assertEqual(self.list_subject("kept", agent=other)["total"], 0)

    def test_filters_and_paging(self):
        entry = self.entries["kept"]
        matching = [{"type": "spam"}, {"type": ["virus", "spam"]}, {"recipient": "BOB@"},
                    {"sender": self.sender.upper()}, {"min_score": 500},
                    {"since": entry["time"], "until": entry["time"]}]
        for params in matching:
            self.assertEqual(self.list_subject("kept", **params)["total"], 1, params)
        for params in ({"type": "virus"}, {"recipient": self.alice}, {"min_score": 5000},
                       {"until": entry["time"] - 1}, {"since": entry["time"] + 1}):
            self.assertEqual(self.list_subject("kept", **params)["total"], 0, params)
        mine = self.agent.call("quarantine.list", {"sender": self.sender})["total"]
        pages = [self.agent.call("quarantine.list", {"sender": self.sender, "limit": 1,
                                                     "offset": n})["items"]
                 for n in range(mine)]
        self.assertEqual([len(page) for page in pages], [1] * mine)
        self.assertEqual(len({page[0]["mail_id"] for page in pages}), mine)
        for bad in ({"type": "ham"}, {"limit": "ten"}, {"min_score": "high"},
                    {"subjekt": "x"}, {"limit": 100000}):
            with self.assertRaises(AgentError) as refused:
                self.agent.call("quarantine.list", bad)
            self.assertEqual(refused.exception.code, -32602, bad)

    def test_show_returns_the_message(self):
        entry = self.entries["kept"]
        shown = self.agent.call("quarantine.show", {"mail_id": entry["mail_id"]})
        self.assertIn("X-Spam-Flag: YES", shown["message"])
        self.assertIn(f"Subject: {self.subjects['kept']}", shown["message"])
        self.assertIn(GTUBE, shown["message"])
        self.assertFalse(shown["truncated"])
        self.assertEqual(shown["entry"]["mail_id"], entry["mail_id"])
        by_file = self.agent.call("quarantine.show", {"file": entry["file"]})
        self.assertEqual(by_file["message"], shown["message"])

    def test_release_delivers_to_the_recipient(self):
        entry = self.entries["release"]
        self.assertIsNone(labtest.find_subject("bob", self.subjects["release"]))
        released = self.agent.call("quarantine.release", {"mail_ids": [entry["mail_id"]]})
        self.assertEqual(released["affected"], 1)
        [result] = released["results"]
        self.assertEqual((result["mail_id"], result["ok"]), (entry["mail_id"], True))
        self.assertRegex(result["reply"], r"^250 ")
        delivered = labtest.wait_for_subject("bob", self.subjects["release"])
        self.assertIsNotNone(delivered, "the released message did not reach bob's INBOX")
        self.assertIn(GTUBE.encode(), delivered)
        audit = latest_audit(self.agent, "quarantine.release", entry["mail_id"])
        self.assertEqual((audit["outcome"], audit["affected"], audit["user"], audit["host"]),
                         ("ok", 1, "root", RELAY))

    def test_release_to_chosen_recipients(self):
        entry = self.entries["redirect"]
        with Agent(RELAY, as_user="lab-operator") as operator:
            released = operator.call("quarantine.release", {"mail_ids": [entry["mail_id"]],
                                                            "recipients": [self.alice]})
        self.assertEqual(released["affected"], 1)
        self.assertTrue(released["results"][0]["ok"])
        self.assertIsNotNone(labtest.wait_for_subject("alice", self.subjects["redirect"]),
                             "the message released to alice did not reach her INBOX")
        self.assertIsNone(labtest.wait_for_subject("bob", self.subjects["redirect"], timeout=5))
        audit = latest_audit(self.agent, "quarantine.release", entry["mail_id"])
        self.assertEqual((audit["outcome"], audit["affected"], audit["user"]),
                         ("ok", 1, "lab-operator"))
        self.assertEqual(audit["params"]["recipients"], [self.alice])

    def test_release_with_amavisd_down_is_a_tool_failure(self):
        entry = self.entries["kept"]
        labtest.stop_daemon(RELAY, "amavisd")
        try:
            with self.assertRaises(AgentError) as failed:
                self.agent.call("quarantine.release", {"mail_ids": [entry["mail_id"]]})
        finally:
            labtest.start_daemon(RELAY, "amavisd")
        error = failed.exception
        self.assertEqual(error.code, -32003)
        self.assertEqual(error.data["tool"], "amavisd-release")
        self.assertNotEqual(error.data["exit_status"], 0)
        self.assertIn("socket", error.data["stderr"].lower())
        self.assertFalse(error.data["results"][0]["ok"])
        self.assertTrue(os.path.exists(file_on_disk(entry)))
        audit = latest_audit(self.agent, "quarantine.release", entry["mail_id"])
        self.assertEqual(audit["outcome"], "error")
        self.assertIsNone(labtest.find_subject("bob", self.subjects["kept"]))

    def test_delete_removes_the_file(self):
        entry = self.entries["delete"]
        self.assertTrue(os.path.exists(file_on_disk(entry)))
        deleted = self.agent.call("quarantine.delete", {"mail_ids": [entry["mail_id"]]})
        self.assertEqual(deleted["affected"], 1)
        self.assertFalse(os.path.exists(file_on_disk(entry)))
        self.assertEqual(self.list_subject("delete")["total"], 0)
        with self.assertRaises(AgentError) as gone:
            self.agent.call("quarantine.delete", {"mail_ids": [entry["mail_id"]]})
        self.assertEqual(gone.exception.code, -32002)
        # The second call is in the log too, after the first.
        audit = audited(self.agent, "quarantine.delete", entry["mail_id"])
        self.assertEqual([(e["outcome"], e["affected"]) for e in audit],
                         [("error", None), ("ok", 1)])

    def test_unknown_and_invalid_ids(self):
        kept = self.entries["kept"]
        for method in ("quarantine.show", "quarantine.release", "quarantine.delete"):
            params = ({"mail_id": UNKNOWN_ID} if method == "quarantine.show"
                      else {"mail_ids": [UNKNOWN_ID]})
            with self.assertRaises(AgentError) as unknown:
                self.agent.call(method, params)
            self.assertEqual(unknown.exception.code, -32002, method)
            self.assertEqual(unknown.exception.data["id"], UNKNOWN_ID)
        with self.assertRaises(AgentError) as unknown_file:
            self.agent.call("quarantine.delete", {"files": [f"spam-{UNKNOWN_ID}.gz"]})
        self.assertEqual(unknown_file.exception.code, -32002)
        # One unknown id among known ones: nothing is released.
        with self.assertRaises(AgentError) as mixed:
            self.agent.call("quarantine.release", {"mail_ids": [kept["mail_id"], UNKNOWN_ID]})
        self.assertEqual(mixed.exception.code, -32002)
        bad_calls = [("quarantine.show", {"mail_id": bad})
                     for bad in ("../../etc/passwd", "-rf", "spam-" + UNKNOWN_ID, "", "AAAA")]
        bad_calls += [
            ("quarantine.show", {}),
            ("quarantine.show", {"mail_id": kept["mail_id"], "file": kept["file"]}),
            ("quarantine.delete", {"mail_ids": ["../" + UNKNOWN_ID]}),
            ("quarantine.delete", {"files": ["../../etc/passwd"]}),
            ("quarantine.delete", {"files": ["/etc/passwd"]}),
            ("quarantine.delete", {"mail_ids": []}),
            ("quarantine.delete", {"mail_ids": kept["mail_id"]}),
            ("quarantine.delete", {}),
            ("quarantine.release", {"mail_ids": [kept["mail_id"]], "files": [kept["file"]]}),
            ("quarantine.release", {"mail_ids": [kept["mail_id"]], "recipients": []}),
            ("quarantine.release", {"mail_ids": [kept["mail_id"]],
                                    "recipients": ["alice@example.edu -f x"]}),
            ("quarantine.release", {"mail_ids": [kept["mail_id"]], "recipients": ["alice"]}),
            ("quarantine.release", {"mail_ids": [kept["mail_id"]], "recipients": ["-x@a.b"]}),
        ]
        for method, params in bad_calls:
            with self.assertRaises(AgentError) as invalid:
                self.agent.call(method, params)
            self.assertEqual(invalid.exception.code, -32602, (method, params))
        self.assertTrue(os.path.exists(file_on_disk(kept)))
        self.assertIsNone(labtest.wait_for_subject("bob", self.subjects["kept"], timeout=3))

    def test_hello_and_a_host_without_amavisd(self):
        capabilities = self.agent.call("agent.hello")["capabilities"]
        self.assertEqual((capabilities["quarantine"], capabilities["quarantine_release"]),
                         (True, True))
        with Agent("gorgo") as backend:
            capabilities = backend.call("agent.hello")["capabilities"]
            self.assertEqual((capabilities["quarantine"], capabilities["quarantine_release"]),
                             (False, False))
            for method, params in (("quarantine.list", {}),
                                   ("quarantine.release", {"mail_ids": [UNKNOWN_ID]})):
                with self.assertRaises(AgentError) as refused:
                    backend.call(method, params)
                self.assertEqual(refused.exception.code, -32004, method)
                self.assertIn("amavisd", refused.exception.message)

    def test_viewer_may_list_but_not_release_or_delete(self):
        entry = self.entries["kept"]
        with Agent(RELAY, as_user="lab-viewer") as viewer:
            self.assertEqual(self.list_subject("kept", agent=viewer)["total"], 1)
            shown = viewer.call("quarantine.show", {"mail_id": entry["mail_id"]})
            self.assertIn(GTUBE, shown["message"])
            for method in ("quarantine.release", "quarantine.delete"):
                with self.assertRaises(AgentError) as refused:
                    viewer.call(method, {"mail_ids": [entry["mail_id"]]})
                self.assertEqual(refused.exception.code, -32001, method)
                self.assertEqual(refused.exception.data["required_role"], "operator")
        self.assertTrue(os.path.exists(file_on_disk(entry)))
        self.assertEqual(self.list_subject("kept")["total"], 1)
        for method in ("quarantine.release", "quarantine.delete"):
            audit = self.agent.call("audit.list", {"user": "lab-viewer", "method": method})
            self.assertEqual(audit["items"][0]["outcome"], "denied")
            self.assertEqual(audit["items"][0]["params"], {"mail_ids": [entry["mail_id"]]})


if __name__ == "__main__":
    unittest.main()
