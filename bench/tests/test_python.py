import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import process, python, runtime  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "python", "bench.py")


class PythonHarnessTests(unittest.TestCase):
    def test_sides_run_in_turn_and_keep_the_timed_rounds_and_the_first_failure(self):
        calls = []
        unikernel = iter([
            process.Completed(0, "bench nbody 1 iterations 1500 ns\n", 0, False),
            process.Completed(1, "Traceback (most recent call last):\nMemoryError\n", 0, False),
            process.Completed(0, "bench nbody 1 iterations 1700 ns\n", 0, False),
        ])

        def side(name, outputs):
            def run_once():
                calls.append(name)
                return next(outputs)
            return run_once

        linux = iter([process.Completed(0, "bench nbody 1 iterations 1000 ns\r\n", 0, False)] * 3)
        measured = python.alternating_samples([
            ("unikernel", side("unikernel", unikernel), None),
            ("linux", side("linux", linux), None),
            ("qemu-user", None, "qemu-x86_64 not found"),
        ], 3)
        self.assertEqual(calls, ["unikernel", "linux"] * 3)
        self.assertEqual(measured["unikernel"][0], [1500, 1700])
        self.assertIn("exit status 1", measured["unikernel"][1])
        self.assertEqual(measured["linux"], ([1000, 1000, 1000], None))
        self.assertEqual(measured["qemu-user"], ([], "qemu-x86_64 not found"))

    def test_only_the_linux_guest_ratio_carries_the_goal(self):
        measured = {
            python.UNIKERNEL: ([300, 330], None),
            python.LINUX_GUEST: ([200, 300], None),
            python.QEMU_USER_SIDE: ([100, 110], None),
            python.NATIVE: ([], "exit status 1: boom"),
        }
        figures = {f["name"]: f for f in python.ratio_figures("nbody", measured)}
        equal = figures["unikernel / python3.11 in a Linux guest (same QEMU, TCG)"]
        self.assertEqual(equal["samples"], [1.5, 1.1])
        self.assertEqual(equal["goal"], "at most 1.1 (issue 16)")
        self.assertNotIn("goal", figures["unikernel / python3.11 under qemu-x86_64"])
        self.assertEqual(figures["unikernel / python3.11 native"]["unavailable"], "exit status 1: boom")

    def test_bench_script_prints_the_runtime_line_format(self):
        # The smallest loop, so the unit tests stay fast; the format is what the harness parses.
        done = subprocess.run([sys.executable, SCRIPT, "words"], capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        match = runtime.RESULT.search(done.stdout)
        self.assertIsNotNone(match, done.stdout)
        self.assertEqual(match.group(1), "words")

    def test_bench_script_refuses_an_unknown_loop(self):
        done = subprocess.run([sys.executable, SCRIPT, "nope"], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertTrue(done.stdout.startswith("bench-error usage"))


if __name__ == "__main__":
    unittest.main()
