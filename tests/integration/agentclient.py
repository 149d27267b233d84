"""A JSON-RPC client for mailng-agent over SSH, as the console reaches it: ssh to the lab
host with the lab's key, the recorded host key checked, the host's agent_command run
there, one JSON object per line each way. Standard library only."""

import json
import os
import subprocess
import threading

import labtest


class AgentError(Exception):
    """A JSON-RPC error answer."""

    def __init__(self, error):
        super().__init__(f"{error['code']}: {error['message']}")
        self.code = error["code"]
        self.message = error["message"]
        self.data = error.get("data")


def ssh_argv(host_name, remote_command):
    lab = labtest.lab()
    host = lab["hosts"][host_name]
    return ["ssh", "-i", lab["ssh"]["key"], "-p", str(host["ports"]["ssh"]),
            "-o", "UserKnownHostsFile=" + lab["ssh"]["known_hosts"],
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR",
            f"{lab['ssh']['user']}@{host['address']}", remote_command]


class Agent:
    """One agent session on a lab host. `as_user` makes the caller that user, as
    `sudo -n mailng-agent stdio` would (SUDO_USER), to exercise the roles."""

    def __init__(self, host_name, as_user=None):
        command = labtest.lab()["hosts"][host_name]["agent_command"]
        if as_user:
            command = f"SUDO_USER={as_user} {command}"
        self.host = host_name
        self.process = subprocess.Popen(ssh_argv(host_name, command), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 1
        self.stderr = b""
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    def _read_stderr(self):
        self.stderr = self.process.stderr.read()

    def send_line(self, line):
        """Sends raw bytes (plus LF) and returns the decoded answer line."""
        self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"agent on {self.host} closed the session; stderr: {self.stderr!r}")
        return json.loads(answer)

    def call_raw(self, method, params=None):
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            request["params"] = params
        self.next_id += 1
        answer = self.send_line(json.dumps(request).encode())
        assert answer["id"] == request["id"], answer
        return answer

    def call(self, method, params=None):
        answer = self.call_raw(method, params)
        if "error" in answer:
            raise AgentError(answer["error"])
        return answer["result"]

    def close(self):
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)
        self._stderr_reader.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.close()
        except Exception:
            self.process.kill()


def run_on(host_name, *argv, input_text=None, check=True):
    """Runs a command on a lab host over SSH (argv joined for the remote shell;
    callers pass fixed words only)."""
    result = subprocess.run(ssh_argv(host_name, " ".join(argv)), input=input_text,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"{argv} on {host_name}: {result.stderr}")
    return result


def postqueue_json(host_name):
    """The host's queue as `postqueue -j` says, keyed by queue id."""
    config_dir = labtest.lab()["hosts"][host_name]["postfix_config_dir"]
    result = subprocess.run(["postqueue", "-c", config_dir, "-j"], capture_output=True,
                            text=True, timeout=60, check=True)
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {message["queue_id"]: message for message in messages}
