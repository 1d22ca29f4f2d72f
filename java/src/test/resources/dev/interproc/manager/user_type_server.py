"""A Python BaseManager server with a registered type, for the Java client: serves until killed.

usage: user_type_server.py SOCKET_PATH KEY_HEX
"""
import sys
import threading
from multiprocessing.managers import BaseManager


class Counter:
    def __init__(self, start=0):
        self._value = start
        self._lock = threading.Lock()

    def increment(self, by):
        with self._lock:
            self._value += by
            return self._value

    def get(self):
        return self._value

    def fail(self, text):
        raise ValueError(text)

    def child(self):
        return Counter(self._value * 10)


class Manager(BaseManager):
    pass


# What a method returns is registered without a callable, as SyncManager's Iterator: the server keeps the result
# itself (a callable would be called with it).
Manager.register('Counter', Counter, method_to_typeid={'child': 'Child'})
Manager.register('Child', create_method=False)
server = Manager(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2])).get_server()
print("READY", flush=True)
server.serve_forever()
