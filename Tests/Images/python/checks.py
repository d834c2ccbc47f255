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
import ssl
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
check("sha256 openssl", type(hashlib.sha256()).__module__ == "_hashlib")  # not _sha256
check("pbkdf2_hmac", hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1).hex().startswith("120fb6cffcf8b32c"))
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


# A self-signed P-256 certificate for kraft.test (valid 2000-2100) and its key.
TLS_CERTIFICATE = """\
-----BEGIN CERTIFICATE-----
MIIBcjCCARegAwIBAgIBATAKBggqhkjOPQQDAjAVMRMwEQYDVQQDDAprcmFmdC50
ZXN0MCAXDTAwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAwMDAwWjAVMRMwEQYDVQQD
DAprcmFmdC50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERRBwuwJl/Xup
YmVpT3UhnjEFgJhCx628rWVLLpezkT0P7KCQlvSDmnY47lzoJH1f8X0j5aMkYaGH
D4aYhq5Mj6NWMFQwDwYDVR0TAQH/BAUwAwEB/zAVBgNVHREEDjAMggprcmFmdC50
ZXN0MAsGA1UdDwQEAwIChDAdBgNVHQ4EFgQUghAmjk+gF7jMu9wZQEH3Uj8Omk8w
CgYIKoZIzj0EAwIDSQAwRgIhAINCsp9/ynrUM+SUX0kVELTuKLJLXzwq/aioAaWY
V5YAAiEAkFVWAUCnwHIxyKw9liM+sCP7S8TcD3WgXMUOSaIRc1Y=
-----END CERTIFICATE-----
"""
TLS_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjBUaYbVLklrdOl/4
VwLIJZqgV+9oXqBCOqKdSyxP1uGhRANCAARFEHC7AmX9e6liZWlPdSGeMQWAmELH
rbytZUsul7ORPQ/soJCW9IOadjjuXOgkfV/xfSPloyRhoYcPhpiGrkyP
-----END PRIVATE KEY-----
"""


def tls_handshake():
    """A TLS 1.3 handshake and one message each way between two SSLObjects over memory BIOs:
    the client verifies the server's certificate and host name against that certificate."""
    with open("/tmp/kraft/tls.pem", "w") as file:
        file.write(TLS_CERTIFICATE + TLS_KEY)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain("/tmp/kraft/tls.pem")
    client_context = ssl.create_default_context(cadata=TLS_CERTIFICATE)
    os.remove("/tmp/kraft/tls.pem")
    pipes = [(ssl.MemoryBIO(), ssl.MemoryBIO()) for _ in range(2)]  # (incoming, outgoing)
    client = client_context.wrap_bio(*pipes[0], server_hostname="kraft.test")
    server = server_context.wrap_bio(*pipes[1], server_side=True)

    def pump():  # what each side wrote is what the other reads
        pipes[1][0].write(pipes[0][1].read())
        pipes[0][0].write(pipes[1][1].read())

    pending = {client, server}
    for _ in range(10):
        for side in list(pending):
            try:
                side.do_handshake()
                pending.discard(side)
            except ssl.SSLWantReadError:
                pass
        pump()
        if not pending:
            break
    client.write(b"ping")
    pump()
    received = server.read(4)
    server.write(b"pong")
    pump()
    return client.version(), client.getpeercert()["subject"], received, client.read(4)


check("ssl default context", ssl.create_default_context().verify_mode == ssl.CERT_REQUIRED)
version, subject, received, answer = tls_handshake()
check("tls handshake", version == "TLSv1.3" and subject == ((("commonName", "kraft.test"),),))
check("tls data", (received, answer) == (b"ping", b"pong"))
print("all checks passed")
