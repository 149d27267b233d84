"""Helpers for the integration tests: read lab.json, speak SMTP/IMAP to the lab like a
client of the cluster would. Standard library only (python3 from Debian)."""

import imaplib
import json
import os
import smtplib
import ssl
import time
import uuid
import email.utils
from email.message import EmailMessage

LAB_DIR = os.environ.get("MAILNG_LAB_DIR", "/tmp/mailng-lab")
BUILD_DIR = os.environ.get("MAILNG_BUILD_DIR", "")
SOURCE_DIR = os.environ.get("MAILNG_SOURCE_DIR", "")


def lab():
    with open(os.path.join(LAB_DIR, "lab.json")) as handle:
        return json.load(handle)


def hosts_with_role(role):
    return {name: host for name, host in lab()["hosts"].items() if host["role"] == role}


def first_host(role):
    name, host = sorted(hosts_with_role(role).items())[0]
    return host


def user(uid):
    for entry in lab()["users"]:
        if entry["uid"] == uid:
            return entry
    raise KeyError(uid)


def insecure_tls():
    # The lab's certificate is self-signed and made fresh at each `up`.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def unique_subject(prefix):
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def make_message(sender, recipient, subject, body="Hello from the mailng lab.\n"):
    message = EmailMessage()
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain="lab.example.net")
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    return message


def smtp_from_outside(relay=None, port_name="smtp"):
    """An SMTP session to a relay from the lab's 'Internet' address."""
    relay = relay or first_host("relay")
    client = smtplib.SMTP(relay["address"], relay["ports"][port_name], timeout=30,
                          source_address=(lab()["outside_address"], 0))
    client.ehlo("outside.example.net")
    return client


def send_from_outside(recipient, subject, body="Hello from outside.\n",
                      sender="stranger@outside.example.net", relay=None):
    with smtp_from_outside(relay) as client:
        client.send_message(make_message(sender, recipient, subject, body),
                            from_addr=sender, to_addrs=[recipient])


def imap_login(uid, password=None, relay=None):
    """Logs in over IMAP through a relay's director, with STARTTLS."""
    relay = relay or first_host("relay")
    password = password if password is not None else user(uid)["password"]
    client = imaplib.IMAP4(relay["address"], relay["ports"]["imap"], timeout=30)
    client.starttls(ssl_context=insecure_tls())
    client.login(uid, password)
    return client


def find_subject(uid, subject, folder="INBOX", password=None):
    """The message with `subject` in `folder`, as bytes, or None."""
    client = imap_login(uid, password)
    try:
        status, _ = client.select(f'"{folder}"', readonly=True)
        if status != "OK":
            return None
        status, data = client.search(None, "SUBJECT", f'"{subject}"')
        ids = data[0].split() if status == "OK" and data and data[0] else []
        if not ids:
            return None
        status, fetched = client.fetch(ids[-1], "(RFC822)")
        return fetched[0][1] if status == "OK" else None
    finally:
        client.logout()


def wait_for_subject(uid, subject, folder="INBOX", timeout=60, password=None):
    """Polls until the message arrives; None when it did not within `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = find_subject(uid, subject, folder, password)
            if found is not None:
                return found
        except (imaplib.IMAP4.error, OSError):
            pass  # director ring or backend still settling; retry until the deadline
        time.sleep(1)
    return None


def rcpt(address, size=None, relay=None, sender="stranger@outside.example.net"):
    """(code, text) of RCPT TO at a relay, from the outside address; nothing is sent."""
    with smtp_from_outside(relay) as client:
        options = [f"SIZE={size}"] if size is not None else []
        code, text = client.mail(sender, options)
        if code != 250:
            return code, text
        code, text = client.rcpt(address)
        client.rset()
        return code, text


def lab_tool(*args):
    import subprocess
    tool = os.path.join(BUILD_DIR, "lab", "mailng-lab")
    return subprocess.run([tool, *args, "--dir", LAB_DIR], capture_output=True, text=True,
                          timeout=300)


def stop_daemon(host, daemon):
    result = lab_tool("stop", "--host", host, "--daemon", daemon)
    assert result.returncode == 0, result.stderr


def start_daemon(host, daemon):
    result = lab_tool("start", "--host", host, "--daemon", daemon)
    assert result.returncode == 0, result.stderr


def ldapadd_user(uid, password=None):
    """Adds a mail user to the lab directory with ldapadd; returns its address."""
    import subprocess
    lab_data = lab()
    address = f"{uid}@{lab_data['domain']}"
    ldif = (f"dn: uid={uid},ou=people,{lab_data['ldap']['base']}\n"
            "objectClass: inetOrgPerson\nobjectClass: mailngAccount\n"
            f"uid: {uid}\ncn: {uid}\nsn: {uid}\nmail: {address}\n")
    if password:
        ldif += f"userPassword: {password}\n"
    subprocess.run(["ldapadd", "-x", "-H", lab_data["ldap"]["uri"], "-D", lab_data["ldap"]["root_dn"],
                    "-w", lab_data["ldap"]["root_password"]], input=ldif.encode(), check=True,
                   capture_output=True, timeout=30)
    return address
