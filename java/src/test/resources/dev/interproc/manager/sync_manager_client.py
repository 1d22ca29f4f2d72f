"""Python's stock SyncManager client code, unchanged, against a manager server; prints what it sees.

usage: sync_manager_client.py ADDRESS KEY_HEX MODE [PICKLE_HEX]
  ADDRESS  a socket file path, or host:port; "own" starts Python's own SyncManager (the reference run)
  MODE     "objects" (every standard type), "wrongkey" (connect with another key), "unpickle" (pickle.loads of
           PICKLE_HEX, a list [dict, queue] of proxies another process pickled, and use them)
"""
import gc
import multiprocessing
import pickle
import queue
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.managers import SyncManager


def address_of(text):
    if ":" in text:
        host, port = text.rsplit(":", 1)
        return (host, int(port))
    return text


def objects(m):
    base = m._number_of_objects()
    q = m.Queue()
    q.put(1)
    q.put("two")
    q.put({"three": [3, 3.5, None, True, b"\x00"]})
    print("queue", q.qsize(), q.get(), q.get(), q.get(), q.empty())
    try:
        q.get(timeout=0.05)
    except queue.Empty as e:
        print("queue empty", type(e).__module__, type(e).__name__)
    d = m.dict()
    d["a"] = 1
    d["b"] = [2, 3]
    d.update(c=3)
    d.update([("d", 4)])
    print("dict", len(d), d["a"], d["b"], d.get("zz", "default"), d.keys(), d.values(), "a" in d, list(d))
    print("dict items", d.items(), d.pop("d"), d.setdefault("e", 5), d.copy(), str(d))
    try:
        d["missing"]
    except KeyError as e:
        print("dict missing", repr(e))
    del d["e"]
    print("dict value", d._getvalue())
    l = m.list([1, 2])
    l.append(3)
    l.extend([4])
    l += [5]
    l[0] = 10
    print("list", len(l), l[0], l[-1], l[1:3], l[::-2], list(l), l.pop(), l.index(3), l.count(2), 3 in l, str(l))
    l.reverse()
    l.sort()
    print("list sorted", l._getvalue(), l + [7], l * 2)
    try:
        l[10]
    except IndexError as e:
        print("list index", repr(e))
    v = m.Value("i", 0)
    v.value = 41
    v.value += 1
    print("value", v.value, v.get(), str(v))
    lk = m.Lock()
    print("lock", lk.acquire(), lk.acquire(False), lk.acquire(True, 0.05))
    lk.release()
    try:
        lk.release()
    except RuntimeError as e:
        print("lock release", repr(e))
    with lk:
        print("lock held", lk.acquire(blocking=False))
    rl = m.RLock()
    print("rlock", rl.acquire(), rl.acquire(), rl.release(), rl.release())
    try:
        rl.release()
    except RuntimeError as e:
        print("rlock release", repr(e))
    s = m.BoundedSemaphore(2)
    print("semaphore", s.acquire(), s.acquire(), s.acquire(timeout=0.05), s.release(), s.release())
    try:
        s.release()
    except ValueError as e:
        print("semaphore release", repr(e))
    ev = m.Event()
    print("event", ev.is_set(), ev.wait(0.05))
    ev.set()
    print("event set", ev.is_set(), ev.wait(), ev.wait(0))
    ev.clear()
    print("event clear", ev.is_set())
    ns = m.Namespace(a=1)
    ns.x = 1
    ns.name = "Bob"
    ns._local = "here"
    print("namespace", ns.a, ns.x, ns.name, ns._local, str(ns))
    del ns.x
    try:
        ns.x
    except AttributeError as e:
        print("namespace missing", repr(e))
    c = m.Condition()
    with c:
        print("condition", c.wait(0.05), c.notify(), c.notify_all())
    try:
        c.wait(0.01)
    except RuntimeError as e:
        print("condition unheld", repr(e))
    b = m.Barrier(1)
    print("barrier", b.wait(), b.parties, b.n_waiting, b.broken)
    b.abort()
    print("barrier aborted", b.broken)
    try:
        b.wait()
    except threading.BrokenBarrierError as e:
        print("barrier broken", type(e).__module__, type(e).__name__)
    b.reset()
    print("barrier reset", b.broken, b.wait())
    a = m.Array("i", [1, 2, 3])
    a[0] = 10
    print("array", len(a), a[0], a[-1], str(a))
    try:
        a[5]
    except IndexError as e:
        print("array index", repr(e))
    try:
        a[0] = "x"
    except TypeError as e:
        print("array type", repr(e))
    gc.collect()  # the iterator proxy of list(d) may sit in a reference cycle (3.12) until collected
    print("objects", m._number_of_objects() - base)
    del q, d, l, v, lk, rl, s, ev, ns, c, b, a
    gc.collect()
    print("objects after del", m._number_of_objects() - base)


def proxies(m, key):
    """Proxies stored inside a dict, a list and a namespace, fetched back as working proxies."""
    multiprocessing.current_process().authkey = key  # what a proxy rebuilt from a pickle connects with
    base = m._number_of_objects()
    outer = m.dict()
    inner = m.dict({"x": 1})
    q = m.Queue()
    lk = m.Lock()
    ns = m.Namespace()
    outer["inner"] = inner
    outer["both"] = [q, lk]
    ns.inner = inner
    del inner, q, lk
    gc.collect()
    print("proxies stored", m._number_of_objects() - base)
    got = outer["inner"]
    got["y"] = 2
    q2, lk2 = outer["both"]
    q2.put("item")
    print("proxies back", type(got).__name__, sorted(got.items()), type(q2).__name__, q2.get(), lk2.acquire(False))
    lk2.release()
    print("proxies same", ns.inner["y"], m._number_of_objects() - base)
    del got, q2, lk2
    gc.collect()
    print("proxies dropped", m._number_of_objects() - base)
    del outer, ns
    gc.collect()
    print("proxies all dropped", m._number_of_objects() - base)


def unpickle(pickled, key):
    """Proxies pickled elsewhere (a Java client's codec): pickle.loads makes working proxies, as Python's own."""
    multiprocessing.current_process().authkey = key
    d, q = pickle.loads(pickled)
    print("unpickled", type(d).__name__, type(q).__name__, d["k"])
    d["from python"] = q.get()
    q.put("python was here")
    del d, q
    gc.collect()
    print("done")


def main():
    where, key_hex, mode = sys.argv[1:4]
    key = bytes.fromhex(key_hex)
    if mode == "unpickle":
        unpickle(bytes.fromhex(sys.argv[4]), key)
        return
    if where == "own":
        m = SyncManager(authkey=key)
        m.start()
    else:
        m = SyncManager(address_of(where), authkey=b"wrong" + key if mode == "wrongkey" else key)
        try:
            m.connect()
        except AuthenticationError as e:
            print("connect", type(e).__name__, e)
            return
    objects(m)
    proxies(m, key)
    print("done")
    if where == "own":
        m.shutdown()


main()
