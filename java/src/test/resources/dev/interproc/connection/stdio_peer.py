"""Python child of StandardStreamPipeTest: multiprocessing.connection.Connection objects on its standard input
(descriptor 0) and output (descriptor 1), the pipes its Java parent made. Echoes every message reversed until an
empty one, then answers one object with ('echo', object).

usage: stdio_peer.py
"""
import sys
from multiprocessing.connection import Connection

reader = Connection(0, writable=False)
writer = Connection(1, readable=False)
sys.stdout = sys.stderr  # print() must not write into the message stream
while True:
    message = reader.recv_bytes()
    if not message:
        break
    writer.send_bytes(message[::-1])
writer.send(('echo', reader.recv()))
print('DONE')
