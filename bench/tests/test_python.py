import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import process, python, runtime  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "python", "bench.py")


class PythonHarnessTests(unittest.TestCase):
    def test_loop_samples_take_the_timed_rounds_and_the_first_failure(self):
        outputs = iter([
            process.Completed(0, "bench nbody 1 iterations 1500 ns\n", 0, False),
            process.Completed(1, "Traceback (most recent call last):\nMemoryError\n", 0, False),
            process.Completed(0, "bench nbody 1 iterations 1700 ns\n", 0, False),
        ])
        samples, reason = python.loop_samples(lambda: next(outputs), 3)
        self.assertEqual(samples, [1500, 1700])
        self.assertIn("exit status 1", reason)

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
