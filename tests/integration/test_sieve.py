"""The manual's default.sieve files messages that amavisd tagged into SPAM and adds the
site's information headers."""

import unittest

import labtest


class DefaultSieveTest(unittest.TestCase):
    def test_spam_tagged_subject_is_filed_into_spam(self):
        for tag in ("[.SPAM.]", "[..SPAM..]"):
            subject = labtest.unique_subject(f"{tag} cheap offer")
            labtest.send_from_outside("alice@example.edu", subject)
            message = labtest.wait_for_subject("alice", subject, folder="SPAM")
            self.assertIsNotNone(message, f"{tag} message not in SPAM")
            self.assertIsNone(labtest.find_subject("alice", subject, "INBOX"))

    def test_ordinary_mail_stays_in_inbox_with_site_headers(self):
        subject = labtest.unique_subject("ordinary")
        labtest.send_from_outside("alice@example.edu", subject)
        message = labtest.wait_for_subject("alice", subject)
        self.assertIsNotNone(message)
        self.assertIn(b"Please contact support@example.edu for help.", message)


if __name__ == "__main__":
    unittest.main()
