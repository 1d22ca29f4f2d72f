"""Python's multiprocessing.connection ping-pong, the baseline of ConnectionBenchmark.

usage: pingpong.py unix|tcp ROUND_TRIPS REPETITIONS MESSAGE_SIZE
Starts an echo peer (this script in 'echo' mode) in a second process, then prints "RTT_NS <ns>" per repetition,
after a warm-up. Both ends use Connection.send_bytes / recv_bytes, as a Python application would.
"""
import os
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Client, Listener


def echo(family, where):
    address = (where.split(':')[0], int(where.split(':')[1])) if family == 'tcp' else where
    with Client(address) as conn:
        try:
            while True:
                conn.send_bytes(conn.recv_bytes())
        except EOFError:
            pass


def measure(family, round_trips, repetitions, size):
    directory = tempfile.mkdtemp()
    address = ('127.0.0.1', 0) if family == 'tcp' else os.path.join(directory, 'pingpong.sock')
    with Listener(address) as listener:
        where = '%s:%d' % listener.address if family == 'tcp' else listener.address
        peer = subprocess.Popen([sys.executable, __file__, 'echo', family, where])
        with listener.accept() as conn:
            message = b'x' * size
            for _ in range(max(10000, round_trips // 5)):
                conn.send_bytes(message)
                conn.recv_bytes()
            for _ in range(repetitions):
                start = time.perf_counter_ns()
                for _ in range(round_trips):
                    conn.send_bytes(message)
                    conn.recv_bytes()
                print('RTT_NS', (time.perf_counter_ns() - start) // round_trips, flush=True)
        peer.wait()


if __name__ == '__main__':
    if sys.argv[1] == 'echo':
        echo(sys.argv[2], sys.argv[3])
    else:
        measure(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
