"""The manual's amavis policy: a message that scores above 20 is quarantined on the
relay and never delivered; the sender is not bounced to (no backscatter)."""

import glob
import gzip
import os
import time
import unittest

import labtest

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"


def quarantined_with(subject, timeout=60):
    """Paths of quarantine files on any relay that hold `subject`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hits = []
        for host in labtest.hosts_with_role("relay").values():
            for path in glob.glob(os.path.join(host["amavis_quarantine"], "**", "spam-*.gz"),
                                  recursive=True):
                with gzip.open(path, "rb") as handle:
                    if subject.encode() in handle.read():
                        hits.append(path)
        if hits:
            return hits
        time.sleep(1)
    return []


class AmavisPolicyTest(unittest.TestCase):
    def test_gtube_is_quarantined_not_delivered(self):
        subject = labtest.unique_subject("gtube")
        labtest.send_from_outside("bob@example.edu", subject, body=GTUBE + "\n")
        hits = quarantined_with(subject)
        self.assertEqual(len(hits), 1, "GTUBE was not quarantined exactly once")
        self.assertRegex(os.path.basename(hits[0]), r"^spam-[A-Za-z0-9_+-]{12}\.gz$")
        with gzip.open(hits[0], "rb") as handle:
            self.assertIn(b"X-Spam-Flag: YES", handle.read())
        # Delivery would have happened within seconds; give it generous time to be sure.
        for folder in ("INBOX", "SPAM"):
            self.assertIsNone(labtest.wait_for_subject("bob", subject, folder, timeout=5))

    def test_clean_message_is_not_quarantined(self):
        subject = labtest.unique_subject("clean")
        labtest.send_from_outside("bob@example.edu", subject)
        self.assertIsNotNone(labtest.wait_for_subject("bob", subject))
        self.assertEqual(quarantined_with(subject, timeout=1), [])


if __name__ == "__main__":
    unittest.main()
