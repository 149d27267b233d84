"""A user added to the directory with ldapadd receives mail and logs in over IMAP at
once, with no other step (DESIGN.md)."""

import subprocess
import unittest
import uuid

import labtest


def ldapadd(ldif):
    lab = labtest.lab()
    subprocess.run(["ldapadd", "-x", "-H", lab["ldap"]["uri"], "-D", lab["ldap"]["root_dn"],
                    "-w", lab["ldap"]["root_password"]],
                   input=ldif.encode(), check=True, capture_output=True, timeout=30)


class DirectoryUserTest(unittest.TestCase):
    def test_new_user_receives_mail_and_logs_in(self):
        lab = labtest.lab()
        uid = "new" + uuid.uuid4().hex[:8]
        password = uuid.uuid4().hex
        base = lab["ldap"]["base"]
        ldapadd(f"""dn: uid={uid},ou=people,{base}
objectClass: inetOrgPerson
objectClass: mailngAccount
uid: {uid}
cn: New User
sn: User
mail: {uid}@{lab["domain"]}
userPassword: {password}
""")
        subject = labtest.unique_subject("welcome")
        labtest.send_from_outside(f"{uid}@{lab['domain']}", subject)
        message = labtest.wait_for_subject(uid, subject, password=password)
        self.assertIsNotNone(message, "the new user never saw the message over IMAP")


if __name__ == "__main__":
    unittest.main()
