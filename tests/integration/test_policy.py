"""The relays refuse unknown, disabled and over-quota recipients while the sender is still
connected (no backscatter), through mailng-policyd and the back-ends' mailng-quotad-bridge;
when those fail, mail waits (4xx) and is never refused (DESIGN.md contracts, issue 3)."""

import smtplib
import subprocess
import time
import unittest
import uuid

import labtest

POLICY = labtest.lab().get("policy", {})


def fill_mailbox(uid, backend):
    """Delivers small messages over LMTP until Dovecot refuses one. Small, so that the
    last one accepted (smaller than quota_grace, 10 %) leaves it over its quota."""
    address = labtest.user(uid)["address"]
    for _ in range(40):
        message = labtest.make_message("filler@example.edu", address, "filler", "x" * 1000)
        with smtplib.LMTP(backend["address"], backend["ports"]["lmtp"], timeout=30) as lmtp:
            try:
                lmtp.send_message(message, to_addrs=[address])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as refused:
                if "552" in str(refused):
                    return
                raise
    raise AssertionError(f"{uid}'s mailbox never became full")


def random_address(domain="example.edu"):
    return f"nobody-{uuid.uuid4().hex[:10]}@{domain}"


@unittest.skipUnless(POLICY, "the lab runs no policy daemons (mailng-policyd not built)")
class PolicyAnswersTest(unittest.TestCase):
    def assertRejected(self, address, code, status, words, size=None):
        got, text = labtest.rcpt(address, size)
        self.assertEqual(got, code, text)
        self.assertIn(status.encode(), text)
        self.assertIn(words.encode(), text)

    def test_unknown_user_is_refused_with_550_5_1_1(self):
        self.assertRejected(random_address(), 550, "5.1.1", "User unknown")

    def test_unknown_user_in_a_virtual_domain_is_refused(self):
        self.assertRejected(random_address("rise.example.org"), 550, "5.1.1", "User unknown")

    def test_inactive_user_is_refused_with_550_5_2_1(self):
        self.assertRejected("carol@example.edu", 550, "5.2.1", "Mailbox disabled")

    def test_full_mailbox_and_its_alias_are_refused_with_552(self):
        fill_mailbox("erin", labtest.first_host("backend"))
        time.sleep(POLICY["positive_ttl_s"] + 1)   # an earlier "fits" may still be cached
        self.assertRejected("erin@example.edu", 552, "5.2.2", "Mailbox full")
        self.assertRejected("erin.smallbox@example.edu", 552, "5.2.2", "Mailbox full")

    def test_declared_size_larger_than_free_quota_is_refused(self):
        self.assertEqual(labtest.rcpt("frank@example.edu", size=1000)[0], 250)
        self.assertRejected("frank@example.edu", 552, "5.2.2", "Mailbox full", size=2_000_000)

    def test_list_forward_only_and_ordinary_users_are_accepted_and_delivered(self):
        cases = [("staff@example.edu", "bob"), ("dave@example.edu", "alice"),
                 ("bob@example.edu", "bob"), ("Bob+tag@Example.EDU", "bob")]
        for address, reader in cases:
            with self.subTest(address=address):
                self.assertEqual(labtest.rcpt(address)[0], 250)
                subject = labtest.unique_subject(f"to {address}")
                labtest.send_from_outside(address, subject)
                self.assertIsNotNone(labtest.wait_for_subject(reader, subject))

    def test_user_added_with_ldapadd_is_accepted_within_the_negative_ttl(self):
        uid = "late" + uuid.uuid4().hex[:8]
        address = f"{uid}@{labtest.lab()['domain']}"
        self.assertEqual(labtest.rcpt(address)[0], 550)
        labtest.ldapadd_user(uid)
        added = time.monotonic()
        while labtest.rcpt(address)[0] != 250:
            self.assertLess(time.monotonic() - added, POLICY["negative_ttl_s"] + 3,
                            "still refused after the negative TTL")
            time.sleep(0.5)


@unittest.skipUnless(POLICY, "the lab runs no policy daemons (mailng-policyd not built)")
class PolicyFailureTest(unittest.TestCase):
    """Each test stops daemons and starts them again, whatever happens in between."""

    def backends(self):
        return sorted(labtest.hosts_with_role("backend"))

    def test_one_bridge_down_changes_nothing(self):
        first = self.backends()[0]
        labtest.stop_daemon(first, "bridge")
        try:
            self.assertEqual(labtest.rcpt(random_address())[0], 550)
            self.assertEqual(labtest.rcpt("alice@example.edu")[0], 250)
        finally:
            labtest.start_daemon(first, "bridge")

    def test_all_bridges_down_defers_and_the_sender_keeps_the_mail(self):
        client = labtest.first_host("client")
        uid, password = "held" + uuid.uuid4().hex[:8], uuid.uuid4().hex
        address = labtest.ldapadd_user(uid, password)   # new: no answer about it is cached
        subject = labtest.unique_subject("held by the sender")
        for backend in self.backends():
            labtest.stop_daemon(backend, "bridge")
        try:
            code, text = labtest.rcpt(random_address())
            self.assertTrue(400 <= code < 500, f"{code} {text}")
            # Webmail on the client host submits with sendmail; its Postfix relays through
            # the relays, is told 4xx and keeps the mail.
            message = labtest.make_message("alice@example.edu", address, subject)
            subprocess.run(["sendmail", "-C", client["postfix_config_dir"], "-f",
                            "alice@example.edu", address], input=message.as_bytes(),
                           check=True, timeout=30)
            self.assertTrue(self.wait_deferred_on(client, address), "not held by the client")
        finally:
            for backend in self.backends():
                labtest.start_daemon(backend, "bridge")
        time.sleep(POLICY["breaker_open_s"] + 1)
        self.assertEqual(labtest.rcpt(random_address())[0], 550)
        subprocess.run(["postqueue", "-c", client["postfix_config_dir"], "-f"], check=True)
        self.assertIsNotNone(labtest.wait_for_subject(uid, subject, password=password),
                             "the held message was lost")

    @staticmethod
    def wait_deferred_on(host, recipient, timeout=30):
        import json
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = subprocess.run(["postqueue", "-c", host["postfix_config_dir"], "-j"],
                                 capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                entry = json.loads(line)
                if entry.get("queue_name") == "deferred" and any(
                        r.get("address") == recipient for r in entry.get("recipients", [])):
                    return True
            time.sleep(1)
        return False

    def test_directory_down_defers_and_never_refuses(self):
        directory = sorted(labtest.hosts_with_role("directory"))[0]
        labtest.stop_daemon(directory, "slapd")
        try:
            for _ in range(3):
                code, text = labtest.rcpt(random_address())
                self.assertTrue(400 <= code < 500, f"{code} {text}")
        finally:
            labtest.start_daemon(directory, "slapd")
        time.sleep(2)
        self.assertEqual(labtest.rcpt(random_address())[0], 550)


if __name__ == "__main__":
    unittest.main()
