"""A user submits on port 587 with STARTTLS and SASL (checked by a back-end's Dovecot over
TCP, as the manual's relays do) and the message is relayed."""

import smtplib
import unittest

import labtest


class SubmissionTest(unittest.TestCase):
    def submission(self):
        relay = labtest.first_host("relay")
        client = smtplib.SMTP(relay["address"], relay["ports"]["submission"], timeout=30)
        client.ehlo("laptop.example.edu")
        client.starttls(context=labtest.insecure_tls())
        client.ehlo("laptop.example.edu")
        return client

    def test_authenticated_user_relays_mail(self):
        alice = labtest.user("alice")
        subject = labtest.unique_subject("submitted")
        with self.submission() as client:
            client.login("alice", alice["password"])
            client.send_message(labtest.make_message(alice["address"], "bob@example.edu", subject))
        self.assertIsNotNone(labtest.wait_for_subject("bob", subject))

    def test_wrong_password_is_refused(self):
        with self.submission() as client:
            with self.assertRaises(smtplib.SMTPAuthenticationError):
                client.login("alice", "not-her-password")

    def test_no_relay_without_authentication(self):
        with self.submission() as client:
            client.mail("alice@example.edu")
            code, _ = client.rcpt("someone@elsewhere.example.com")
        self.assertGreaterEqual(code, 500)


if __name__ == "__main__":
    unittest.main()
