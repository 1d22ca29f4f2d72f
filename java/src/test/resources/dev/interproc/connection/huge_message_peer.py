"""Python end of HugeMessageInteropTest: a multiprocessing.connection Client that receives one message of any
length, reports it, answers sampled bytes of it, and sends it back.

usage: huge_message_peer.py SOCKET_PATH KEY
Prints "RECEIVED <length> <crc32>" once the message is in, then "DONE <peak resident kB>", or
"ERROR <type>: <message>" and exits 1.
"""
import resource
import sys
import zlib
from multiprocessing.connection import Client


def main():
    path, key = sys.argv[1:3]
    try:
        with Client(path, authkey=key.encode()) as conn:
            data = conn.recv_bytes()
            print('RECEIVED', len(data), zlib.crc32(data), flush=True)
            positions = conn.recv()
            conn.send_bytes(bytes(data[p] for p in positions))
            conn.send_bytes(data)
    except Exception as e:
        print('ERROR %s: %s' % (type(e).__name__, e), flush=True)
        sys.exit(1)
    print('DONE', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)


if __name__ == '__main__':
    main()
