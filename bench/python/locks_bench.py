"""Python baseline of the locks benchmark: multiprocessing.Value with its lock, the way Python code shares
a counter between processes.

    python3 locks_bench.py [SECONDS [REPETITIONS]]

Cases, as in bench/baselines/locks_baseline.c and LocksBenchmark: lockUnlock by 1 process (acquire and
release the Value's lock), lockIncrement by 1 and 2 processes (with v.get_lock(): v.value += 1, and note
whether the previous holder was another process). Process i is pinned to CPU i. Prints:

    result suite=locks impl=python-mp-value op=lockIncrement processes=2 ops_per_s=MEDIAN reps=... owner_change=F fewest_share=S

fewest_share is the least served process's operations over an equal share (1.00: perfectly even).
"""
import multiprocessing as mp
import os
import sys
import time

BATCH = 256


def worker(index, increment, seconds, counter, last, start, results):
    os.sched_setaffinity(0, {index % os.cpu_count()})
    lock = counter.get_lock()
    me = index + 1
    ops = 0
    changes = 0
    start.wait()
    began = time.perf_counter()
    deadline = began + seconds
    while True:
        for _ in range(BATCH):
            with lock:
                if increment:
                    counter.value += 1
                    if last.value != me:
                        changes += 1
                        last.value = me
        ops += BATCH
        if time.perf_counter() >= deadline:
            break
    results.put((index, ops, time.perf_counter() - began, changes))


def measure(increment, processes, seconds):
    counter = mp.Value("q", 0)
    last = mp.RawValue("q", 0)
    start = mp.Barrier(processes)
    results = mp.Queue()
    children = [mp.Process(target=worker, args=(i, increment, seconds, counter, last, start, results))
                for i in range(processes)]
    for child in children:
        child.start()
    collected = sorted(results.get() for _ in children)
    for child in children:
        child.join()
    ops = sum(r[1] for r in collected)
    if increment and counter.value != ops:
        raise SystemExit(f"python-mp-value lost updates: counter {counter.value}, operations {ops}")
    return sum(r[1] / r[2] for r in collected), sum(r[3] for r in collected) / ops, [r[1] for r in collected]


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"# Python {sys.version.split()[0]} multiprocessing.Value with its lock, {seconds} s x {repetitions}"
          " repetitions, median reported")
    for operation, increment, processes in (("lockUnlock", False, 1), ("lockIncrement", True, 1),
                                            ("lockIncrement", True, 2)):
        figures = [measure(increment, processes, seconds) for _ in range(repetitions)]
        rates = [f[0] for f in figures]
        median = sorted(rates)[repetitions // 2]
        change = sum(f[1] for f in figures) / repetitions
        served = [sum(f[2][i] for f in figures) for i in range(processes)]
        fewest_share = min(served) * processes / sum(served)
        print(f"result suite=locks impl=python-mp-value op={operation} processes={processes} "
              f"ops_per_s={median:.0f} reps={','.join(f'{r:.0f}' for r in rates)} owner_change={change:.3f} "
              f"fewest_share={fewest_share:.2f}",
              flush=True)


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
