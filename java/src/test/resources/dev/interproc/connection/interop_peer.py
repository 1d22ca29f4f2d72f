"""Python end of the interop tests: a multiprocessing.connection Listener or Client that echoes what the Java
end sends, then exchanges a sample object both ways.

usage: interop_peer.py listen tcp|unix|abstract ADDRESS KEY
       interop_peer.py connect tcp|unix|abstract ADDRESS KEY
ADDRESS is HOST:PORT for tcp (port 0 picks one), a path for unix, the name after the NUL for abstract;
KEY is the authkey as text, or '-' for none.
Prints "ADDRESS <family> <address>" once listening, then "DONE", or "ERROR <type>: <message>" and exits 1.
"""
import sys
from multiprocessing.connection import Client, Listener

SAMPLE = {'none': None, 'bool': True, 'int': -3, 'big': 2**100, 'float': 1.5, 'str': 'h\u00e9llo',
          'bytes': b'\x00\xff', 'list': [1, 'a'], 'tuple': (1, 'a'), 'set': {7, 8}, 'nested': {'k': [b'', ()]}}


def exchange(conn):
    while True:
        message = conn.recv_bytes()
        if message == b'END-BYTES':
            break
        conn.send_bytes(message)
    while True:
        obj = conn.recv()
        if obj == 'END-OBJECTS':
            break
        conn.send(obj)
    conn.send(SAMPLE)
    theirs = conn.recv()
    conn.send_bytes(b'OK' if theirs == SAMPLE else ('MISMATCH ' + repr(theirs)).encode())


def address(family, text):
    if family == 'tcp':
        host, port = text.rsplit(':', 1)
        return (host, int(port))
    if family == 'abstract':
        return '\0' + text
    return text


def main():
    role, family, where, key = sys.argv[1:5]
    authkey = None if key == '-' else key.encode()
    try:
        if role == 'listen':
            with Listener(address(family, where), authkey=authkey) as listener:
                bound = listener.address
                printable = {'tcp': lambda: '%s:%d' % bound, 'unix': lambda: bound,
                             'abstract': lambda: bound[1:].decode()}[family]()
                print('ADDRESS', family, printable, flush=True)
                with listener.accept() as conn:
                    exchange(conn)
        else:
            with Client(address(family, where), authkey=authkey) as conn:
                exchange(conn)
    except Exception as e:
        print('ERROR %s: %s' % (type(e).__name__, e), flush=True)
        sys.exit(1)
    print('DONE', flush=True)


main()
