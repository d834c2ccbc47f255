# Runs CPython's own regression tests inside the unikernel (PythonBootTests copies Lib/test from
# the fetched source into the image). One process and one program image: like CPython's WASI
# and Emscripten builds, the test support is told there is no fork and no subprocess, so the
# tests that need them are skipped (and say so) instead of failing.
import sys

from test import support

support.has_fork_support = False
support.has_subprocess_support = False

from test.libregrtest import main

# -W: each module's output only when it fails; the list is the script's arguments.
main(tests=sys.argv[1:], verbose=False, verbose3=True, pgo=False)
