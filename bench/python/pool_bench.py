"""Python baselines of the pool benchmark: multiprocessing.Pool (fork, Linux's default before 3.14, and
spawn) and concurrent.futures.ProcessPoolExecutor (fork) doing the work of bench/src/.../pool/PoolBenchmark.

    python3 pool_bench.py [REPETITIONS [WORKERS [APPLIES [TASKS]]]]

Operations (the task is a module-level function returning its argument plus one):
  apply        APPLIES sequential apply(one) round trips (executor: submit(one).result()): p50 and p99
  mapChunk1    map of TASKS items with chunksize 1
  mapDefault   map of TASKS items with Pool's default chunks, ceil(TASKS / (4 x WORKERS)); the executor,
               whose own default is 1, is given the same chunk size
  firstResult  from the pool's creation to the first apply's result, 2 workers
Prints, per operation and implementation, the median over the repetitions:

  result suite=pool impl=I op=O processes=WORKERS ops_per_s=MEDIAN reps=R1,R2,... [p50_us=.. p99_us=..] [ms=..]
"""
import concurrent.futures as cf
import multiprocessing as mp
import statistics
import sys
import time


def inc(x):
    return x + 1


def one():
    return 1


def default_chunks(items, workers):
    return max(1, -(-items // (4 * workers)))


class PoolImpl:
    def __init__(self, context):
        self.context = context
        self.name = "python-mp-pool-" + context

    def open(self, workers):
        self.pool = mp.get_context(self.context).Pool(workers)

    def apply(self):
        return self.pool.apply(one)

    def map(self, items, chunksize):
        return self.pool.map(inc, items, chunksize=chunksize)

    def close(self):
        self.pool.terminate()
        self.pool.join()


class ExecutorImpl:
    name = "python-process-pool-executor"

    def open(self, workers):
        self.pool = cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))

    def apply(self):
        return self.pool.submit(one).result()

    def map(self, items, chunksize):
        return list(self.pool.map(inc, items, chunksize=chunksize))

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


def line(impl, op, workers, reps, extra=""):
    median = statistics.median(reps)
    print(f"result suite=pool impl={impl} op={op} processes={workers} ops_per_s={median:.1f} "
          f"reps={','.join(f'{r:.1f}' for r in reps)}{extra}", flush=True)


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    applies = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    tasks = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
    items = list(range(tasks))
    expected = [x + 1 for x in items]
    for impl in (PoolImpl("fork"), PoolImpl("spawn"), ExecutorImpl()):
        firsts = []
        for _ in range(reps):
            began = time.perf_counter()
            impl.open(2)
            impl.apply()
            firsts.append(time.perf_counter() - began)
            impl.close()
        line(impl.name, "firstResult", 2, [1 / f for f in firsts],
             f" ms={statistics.median(firsts) * 1e3:.1f}")

        impl.open(workers)
        for _ in range(min(applies, 2000)):
            impl.apply()
        rates, p50s, p99s = [], [], []
        for _ in range(reps):
            times = []
            began = time.perf_counter()
            for _ in range(applies):
                t = time.perf_counter_ns()
                impl.apply()
                times.append(time.perf_counter_ns() - t)
            rates.append(applies / (time.perf_counter() - began))
            times.sort()
            p50s.append(times[len(times) // 2] / 1e3)
            p99s.append(times[len(times) * 99 // 100] / 1e3)
        line(impl.name, "apply", workers, rates,
             f" p50_us={statistics.median(p50s):.1f} p99_us={statistics.median(p99s):.1f}")

        for op, chunksize in (("mapChunk1", 1), ("mapDefault", default_chunks(tasks, workers))):
            rates = []
            for _ in range(reps):
                began = time.perf_counter()
                results = impl.map(items, chunksize)
                rates.append(tasks / (time.perf_counter() - began))
                assert results == expected
            line(impl.name, op, workers, rates, f" chunksize={chunksize}")
        impl.close()


if __name__ == "__main__":
    main()
