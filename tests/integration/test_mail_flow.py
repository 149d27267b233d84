"""Mail from the Internet reaches a mailbox through a relay, amavisd, a back-end's LMTP
and is read over IMAP through a relay's director (the manual's Fig. 3)."""

import smtplib
import unittest

import labtest


class MailFlowTest(unittest.TestCase):
    def test_mail_to_fixture_user_arrives_and_is_read_through_director(self):
        subject = labtest.unique_subject("flow")
        labtest.send_from_outside("alice@example.edu", subject)
        message = labtest.wait_for_subject("alice", subject)
        self.assertIsNotNone(message, "message never reached alice's INBOX")
        self.assertIn(b"Hello from outside.", message)
        # It passed amavisd on the relay and was delivered by a back-end over LMTP.
        self.assertRegex(message, rb"\(amavis, port \d+\)")
        self.assertRegex(message, rb"with LMTP")

    def test_mail_to_alias_lands_in_the_owner_mailbox(self):
        subject = labtest.unique_subject("alias")
        labtest.send_from_outside("alice.liddell@example.edu", subject)
        self.assertIsNotNone(labtest.wait_for_subject("alice", subject))

    def test_both_relays_deliver(self):
        relays = labtest.hosts_with_role("relay")
        self.assertGreaterEqual(len(relays), 2)
        for name, relay in sorted(relays.items()):
            subject = labtest.unique_subject(f"via {name}")
            labtest.send_from_outside("bob@example.edu", subject, relay=relay)
            self.assertIsNotNone(labtest.wait_for_subject("bob", subject, timeout=60),
                                 f"nothing arrived through {name}")

    def test_relay_refuses_to_relay_for_strangers(self):
        with labtest.smtp_from_outside() as client:
            client.mail("stranger@outside.example.net")
            code, text = client.rcpt("victim@elsewhere.example.com")
        self.assertEqual(code, 554, text)
        self.assertIn(b"Relay access denied", text)


if __name__ == "__main__":
    unittest.main()
