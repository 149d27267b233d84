"""mailng-agent's director verbs over SSH against the lab's Dovecot directors and
back-ends: weights set to 0 and back, a flush, a kick that ends a live IMAP session, and
a clear answer on a Dovecot without a director (issue 4)."""

import imaplib
import time
import unittest

import labtest
from agentclient import Agent, AgentError

RELAY = "theano"


def backend_address(name):
    return labtest.lab()["hosts"][name]["address"]


class AgentDirectorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Agent(RELAY)

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def weights(self):
        status = self.agent.call("director.status")
        return {b["address"]: b["weight"] for b in status["backends"]}

    def test_status_lists_every_backend(self):
        weights = self.weights()
        for name in labtest.hosts_with_role("backend"):
            self.assertIn(backend_address(name), weights)
            self.assertGreater(weights[backend_address(name)], 0)

    def test_weight_to_zero_and_back(self):
        address = backend_address("gorgo")
        before = self.weights()[address]
        changed = self.agent.call("director.set_weight", {"backend": address, "weight": 0})
        self.assertEqual((changed["affected"], changed["previous_weight"]), (1, before))
        self.assertEqual(self.weights()[address], 0)
        flushed = self.agent.call("director.flush", {"backend": address})
        self.assertIn("affected", flushed)
        self.agent.call("director.set_weight", {"backend": address, "weight": before})
        self.assertEqual(self.weights()[address], before)

    def test_unknown_or_bad_backend(self):
        with self.assertRaises(AgentError) as unknown:
            self.agent.call("director.set_weight", {"backend": "127.0.1.99", "weight": 0})
        self.assertEqual(unknown.exception.code, -32002)
        for bad in ({"backend": "gorgo; rm -rf /", "weight": 0},
                    {"backend": "127.0.1.13", "weight": -1},
                    {"backend": "127.0.1.13"}):
            with self.assertRaises(AgentError) as refused:
                self.agent.call("director.set_weight", bad)
            self.assertEqual(refused.exception.code, -32602, bad)

    def test_kick_ends_a_live_imap_session(self):
        session = labtest.imap_login("bob", relay=labtest.lab()["hosts"][RELAY])
        self.assertEqual(session.noop()[0], "OK")
        kicked = self.agent.call("director.kick", {"user": "bob"})
        self.assertEqual((kicked["affected"], kicked["scope"]), (1, "director"))
        deadline = time.time() + 10
        ended = False
        while time.time() < deadline and not ended:
            try:
                session.noop()
                time.sleep(0.5)
            except (imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError):
                ended = True
        self.assertTrue(ended, "the IMAP session survived the kick")
        entry = self.agent.call("audit.list", {"method": "director.kick"})["items"][0]
        self.assertEqual((entry["outcome"], entry["params"]), ("ok", {"user": "bob"}))

    def test_kick_on_a_backend_without_sessions_affects_nobody(self):
        with Agent("gorgo") as backend:
            kicked = backend.call("director.kick", {"user": "carol"})
            self.assertEqual((kicked["affected"], kicked["scope"]), (0, "host"))
            kicked = backend.call("director.kick", {"network": "127.0.9.0/24"})
            self.assertEqual(kicked["affected"], 0)
            for bad in ({"user": "*"}, {"user": "-a x"}, {"network": "10.0.0.0/33"}, {}):
                with self.assertRaises(AgentError) as refused:
                    backend.call("director.kick", bad)
                self.assertEqual(refused.exception.code, -32602, bad)

    def test_a_backend_without_director_says_so(self):
        with Agent("gorgo") as backend:
            with self.assertRaises(AgentError) as refused:
                backend.call("director.status")
            self.assertEqual(refused.exception.code, -32004)
            self.assertIn("director", refused.exception.message)

    def test_a_host_without_dovecot_says_so(self):
        with Agent("thalia") as client:
            with self.assertRaises(AgentError) as refused:
                client.call("director.status")
            self.assertEqual(refused.exception.code, -32004)


if __name__ == "__main__":
    unittest.main()
