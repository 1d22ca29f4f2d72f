"""Python's side of the manager benchmark (bench/src/.../manager/ManagerBenchmark.java starts it).

    python3 manager_bench.py serve SOCKET_PATH KEY_HEX
        Python's own SyncManager server on a socket file; prints READY, serves until killed.
    python3 manager_bench.py client SOCKET_PATH KEY_HEX QUEUE_IDENT DICT_IDENT INDEX
        A stock SyncManager client: connects, attaches proxies to the shared queue and dict the benchmark
        made, prints READY, then runs one measurement per line on standard input until it ends:

        RUN SEQ OP SECONDS   ->   DONE SEQ OP COUNT ELAPSED_NS P50_NS P99_NS

        OP: rtt (dict get of one key), queue (put + get pairs), dict (d[k] = v; d[k] pairs), create (create a
        dict proxy, timed until it is usable; dropped after the sample, untimed), create-drop (create a dict
        proxy and drop it, both timed). P50_NS and P99_NS are of single operations (0 for the pair counts);
        ELAPSED_NS of the timed operations is the timed part only.

The Java client (ManagerBenchClient) answers the same lines, so the driver treats both alike.
"""
import sys
import time
from multiprocessing.managers import DictProxy, SyncManager, Token

STOP_CHECK = 64


def serve(path, key):
    manager = SyncManager(address=path, authkey=key)
    server = manager.get_server()
    print("READY", flush=True)
    server.serve_forever()


def percentiles(samples):
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, len(samples) * 99 // 100)]


def timed(operation, seconds):
    """Runs operation until SECONDS pass, timing each call, then dropping what it returned, untimed:
    (count, timed_ns, p50_ns, p99_ns)."""
    samples = []
    clock = time.perf_counter_ns
    deadline = clock() + int(seconds * 1e9)
    now = clock()
    while now < deadline:
        rest = operation()
        after = clock()
        samples.append(after - now)
        del rest  # a proxy's finalizer sends decref now, untimed
        now = clock()
    p50, p99 = percentiles(samples)
    return len(samples), sum(samples), p50, p99


def counted(pair, seconds):
    """Runs pair(i) in batches until SECONDS pass: (count, elapsed_ns, 0, 0)."""
    clock = time.perf_counter_ns
    began = clock()
    deadline = began + int(seconds * 1e9)
    count = 0
    now = began
    while now < deadline:
        for i in range(count, count + STOP_CHECK):
            pair(i)
        count += STOP_CHECK
        now = clock()
    return count, now - began, 0, 0


def client(path, key, queue_ident, dict_ident, index):
    manager = SyncManager(address=path, authkey=key)
    manager.connect()
    queue_proxy = type(manager)._registry["Queue"][-1]
    # exposed given, as a proxy rebuilt from a pickle has it: AutoProxy would otherwise ask get_methods(token)
    queue = queue_proxy(Token("Queue", path, queue_ident), "pickle", manager=manager, authkey=key,
                        exposed=("empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize",
                                 "task_done"))
    shared = DictProxy(Token("dict", path, dict_ident), "pickle", manager=manager, authkey=key)
    mine = "k%d" % index

    def queue_pair(i):
        queue.put(i)
        queue.get()

    def dict_pair(i):
        shared[mine] = i
        shared[mine]

    def create_drop():
        created = manager.dict()
        del created  # the proxy's finalizer sends decref now, as when a Python program drops it

    operations = {
        "rtt": lambda seconds: timed(lambda: shared.get("rtt") and None, seconds),
        "queue": lambda seconds: counted(queue_pair, seconds),
        "dict": lambda seconds: counted(dict_pair, seconds),
        "create": lambda seconds: timed(manager.dict, seconds),
        "create-drop": lambda seconds: timed(create_drop, seconds),
    }
    print("READY", flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) != 4 or words[0] != "RUN" or words[2] not in operations:
            raise SystemExit("manager_bench.py: unrecognized command %r" % line)
        count, elapsed, p50, p99 = operations[words[2]](float(words[3]))
        print("DONE %s %s %d %d %d %d" % (words[1], words[2], count, elapsed, p50, p99), flush=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], bytes.fromhex(sys.argv[3]))
    elif len(sys.argv) == 7 and sys.argv[1] == "client":
        client(sys.argv[2], bytes.fromhex(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
