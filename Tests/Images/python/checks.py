# Run inside the unikernel by PythonBootTests: threads, time, files and the built-in extension
# modules, one "ok <name>" line per check (an exception ends the run with status 1).
import datetime
import decimal
import faulthandler
import hashlib
import json
import math
import os
import queue
import sqlite3
import struct
import threading
import time
import unicodedata


def check(name, condition):
    if not condition:
        raise AssertionError(name)
    print("ok", name, flush=True)


# Threads hand numbers through a queue; a lock guards a shared sum.
work, total, lock = queue.Queue(), [0], threading.Lock()


def worker():
    while (item := work.get()) is not None:
        with lock:
            total[0] += item


threads = [threading.Thread(target=worker) for _ in range(4)]
for thread in threads:
    thread.start()
for number in range(1, 1001):
    work.put(number)
for _ in threads:
    work.put(None)
for thread in threads:
    thread.join()
check("threading", total[0] == 500500)

start = time.monotonic()
time.sleep(0.2)
slept = time.monotonic() - start
check("sleep", 0.2 <= slept < 2.0)
check("datetime", datetime.datetime.now().year >= 2024)
check("loadavg", os.getloadavg() == (0.0, 0.0, 0.0))  # sysinfo: no run-queue accounting

os.makedirs("/tmp/kraft", exist_ok=True)
with open("/tmp/kraft/data.txt", "w") as file:
    file.write("line\n" * 100)
check("write", os.stat("/tmp/kraft/data.txt").st_size == 500)
with open("/tmp/kraft/data.txt") as file:
    check("read", len(file.readlines()) == 100)
check("listdir", "main.py" in os.listdir("/app") and "data.txt" in os.listdir("/tmp/kraft"))
os.rename("/tmp/kraft/data.txt", "/tmp/kraft/moved.txt")
os.remove("/tmp/kraft/moved.txt")
check("remove", os.listdir("/tmp/kraft") == [])

check("json", json.loads(json.dumps({"a": [1, 2.5, None]})) == {"a": [1, 2.5, None]})
check("struct", struct.unpack("<IhQ", struct.pack("<IhQ", 7, -2, 2**40)) == (7, -2, 2**40))
check("math", math.isclose(math.sqrt(2) ** 2, 2) and math.factorial(20) == 2432902008176640000)
check("decimal", decimal.Decimal(1) / decimal.Decimal(7) == decimal.Decimal("0.1428571428571428571428571429"))
check("sha256", hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf8f01cfea"))
faulthandler.enable()  # installs an alternate signal stack (sigaltstack)
check("faulthandler", faulthandler.is_enabled())
check("unicodedata", unicodedata.name("\u00e9") == "LATIN SMALL LETTER E WITH ACUTE")


def sqlite_rows(path):
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE pets (name TEXT, legs INTEGER)")
        connection.executemany("INSERT INTO pets VALUES (?, ?)", [("cat", 4), ("bird", 2)])
        return connection.execute("SELECT name FROM pets WHERE legs > 2").fetchall()


check("sqlite3 memory", sqlite_rows(":memory:") == [("cat",)])
check("sqlite3 file", sqlite_rows("/tmp/kraft/pets.db") == [("cat",)])
check("sqlite3 file kept", os.stat("/tmp/kraft/pets.db").st_size > 0)
print("all checks passed")
