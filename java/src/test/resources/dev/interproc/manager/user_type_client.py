"""Stock Python client code of a registered type, against a Java server: prints what each call returns.

usage: user_type_client.py SOCKET_PATH KEY_HEX
"""
import sys
from multiprocessing.managers import BaseManager


class Manager(BaseManager):
    pass


Manager.register('Counter')
m = Manager(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2]))
m.connect()
c = m.Counter(5)
print("increment", c.increment(2))
print("get", c.get())
try:
    c.fail("bad input")
except ValueError as e:
    print("ValueError", e)
child = c.child()
print("child", type(child).__name__, child.get())
print("child increment", child.increment(1))
try:
    c.nothing()
except AttributeError as e:
    print("AttributeError", "nothing" in str(e))
del child, c
print("done")
