"""Python's own SyncManager server, for the Java client: serves until killed.

usage: sync_manager_server.py SOCKET_PATH KEY_HEX
"""
import sys
from multiprocessing.managers import SyncManager

manager = SyncManager(address=sys.argv[1], authkey=bytes.fromhex(sys.argv[2]))
server = manager.get_server()
print("READY", flush=True)
server.serve_forever()
