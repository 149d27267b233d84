"""A broken cluster.toml is refused with file:line and exit code 2, by the renderer and by
the lab, before anything is written or started."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import labtest

BUILD = labtest.BUILD_DIR
SOURCE = labtest.SOURCE_DIR


class BrokenClusterFileTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="mailng-cluster-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def broken_copy(self, old, new):
        with open(os.path.join(SOURCE, "resources/examples/emailng.toml")) as handle:
            text = handle.read()
        self.assertIn(old, text)
        path = os.path.join(self.work, "cluster.toml")
        with open(path, "w") as handle:
            handle.write(text.replace(old, new, 1))
        line = text[: text.index(old)].count("\n") + 1
        return path, line

    def run_tool(self, *argv):
        return subprocess.run(argv, capture_output=True, text=True, timeout=60)

    def test_renderer_names_file_and_line_of_a_typo(self):
        path, line = self.broken_copy("address =", "adress =")
        result = self.run_tool(os.path.join(BUILD, "common/mailng-render"),
                               "--cluster", path, "--host", "theano", "--out", self.work)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertRegex(result.stderr, re.escape(f"{path}:{line}:") + r".*adress")

    def test_lab_refuses_a_bad_address_and_starts_nothing(self):
        text = open(os.path.join(SOURCE, "resources/lab/cluster.toml")).read()
        old = 'address = "127.0.1.11"'
        self.assertIn(old, text)
        path = os.path.join(self.work, "cluster.toml")
        with open(path, "w") as handle:
            handle.write(text.replace(old, 'address = "127.0.1.300"'))
        line = text[: text.index(old)].count("\n") + 1
        lab_dir = os.path.join(self.work, "lab")
        result = self.run_tool(os.path.join(BUILD, "lab/mailng-lab"), "up", "--dir", lab_dir,
                               "--cluster", path)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"{path}:{line}:", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(lab_dir, "state.json")))

    def test_toml_syntax_error_has_a_line(self):
        path, line = self.broken_copy("[ldap]", "[ldap")
        result = self.run_tool(os.path.join(BUILD, "common/mailng-render"),
                               "--cluster", path, "--host", "theano")
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{path}:{line}:", result.stderr)


if __name__ == "__main__":
    unittest.main()
