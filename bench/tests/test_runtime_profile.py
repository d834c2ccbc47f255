"""The runtime programs' fixed-count mode and the per-operation profile built on it
(bench/insn-profile/runtime_profile.py): python3 -m unittest discover -s bench/tests"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "insn-profile"))

import runtime_profile  # noqa: E402


class FixedIterationTests(unittest.TestCase):
    """`-n N` (bench/programs/main.c): one batch of exactly N after the warm-up, which
    bench/insn-profile/runtime_profile.py differences."""

    @unittest.skipUnless(shutil.which("gcc"), "gcc builds the host side")
    def test_the_program_runs_exactly_the_count_given(self):
        programs = os.path.join(HERE, "..", "programs")
        with tempfile.TemporaryDirectory() as folder:
            binary = os.path.join(folder, "bench")
            subprocess.run(["gcc", "-O2", "-std=c11", "-o", binary] + glob.glob(os.path.join(programs, "*.c"))
                           + ["-lpthread"], check=True)
            done = subprocess.run([binary, "-n", "5", "compute"], capture_output=True, text=True)
            self.assertEqual(done.returncode, 0)
            self.assertRegex(done.stdout, r"^bench compute 5 iterations \d+ ns$")
            for bad in ("0", "5x"):
                refused = subprocess.run([binary, "-n", bad, "compute"], capture_output=True, text=True)
                self.assertEqual(refused.returncode, 1)
                self.assertIn("bench-error main: -n takes a positive count", refused.stdout)

    def test_the_cost_per_operation_is_the_difference_of_two_runs(self):
        fewer = {"insns": 1000, "accesses": 300, "transitions": 100, "indirect": 20, "returns": 10,
                 "crosspage": 30, "syscalls": 5}
        more = {"insns": 1900, "accesses": 500, "transitions": 180, "indirect": 40, "returns": 20,
                "crosspage": 50, "syscalls": 15}
        found = runtime_profile.per_operation(fewer, more, (10, 110))
        self.assertEqual(found["insns"], 9.0)
        self.assertEqual(found["accesses"], 2.0)
        self.assertEqual(found["chained"], ((180 - 40 - 50) - (100 - 20 - 30)) / 100)
        self.assertEqual(found["syscalls"], 0.1)
        self.assertEqual(runtime_profile.program_arguments("malloc-mimalloc", 7, "/d"), ["-n", "7", "malloc"])
        self.assertEqual(runtime_profile.program_arguments("fileread", 7, "/d"), ["-n", "7", "fileread", "/d"])


if __name__ == "__main__":
    unittest.main()
