"""Python baseline of the queue benchmark: multiprocessing.Queue and multiprocessing.SimpleQueue moving 64-byte
messages between processes, the cases of QueueBenchmark (bench/src/.../QueueBenchmark.java).

    python3 queue_bench.py [SECONDS [REPETITIONS]]

Cases: 1p1c, one producer process to one consumer process; 2p1c, two producers to one consumer (throughput: data
messages the consumer received from the start until it had every producer's end message, the backlog included,
per second); roundtrip, a ping-pong of one message between two processes (the parent and a child), each round trip
timed. A message is 64 bytes whose first byte says data (1) or end (2). Queue() is unbounded, as Python programs
use it; SimpleQueue is a bare pipe. Prints:

    result suite=queue impl=python-mp-queue op=1p1c processes=2 ops_per_s=MEDIAN reps=R1,R2,...
    result suite=queue impl=python-mp-simplequeue op=roundtrip processes=2 ops_per_s=MEDIAN reps=... median_ns=M p99_ns=P
"""
import multiprocessing as mp
import sys
import time

DATA = b"\x01" * 64
END = b"\x02" + b"\x00" * 63
BATCH = 64


def produce(queue, seconds, start):
    start.wait()
    deadline = time.perf_counter() + seconds
    put = queue.put
    while True:
        for _ in range(BATCH):
            put(DATA)
        if time.perf_counter() >= deadline:
            break
    put(END)


def consume(queue, producers, start, results):
    get = queue.get
    start.wait()
    began = time.perf_counter()
    received = 0
    ends = 0
    while ends < producers:
        if get()[0] == 2:
            ends += 1
        else:
            received += 1
    results.put(received / (time.perf_counter() - began))


def pong(requests, replies):
    get = requests.get
    put = replies.put
    while True:
        message = get()
        if message[0] == 2:
            return
        put(message)


def throughput(kind, producers, seconds):
    queue = kind()
    start = mp.Barrier(producers + 1)
    results = mp.SimpleQueue()
    children = [mp.Process(target=produce, args=(queue, seconds, start)) for _ in range(producers)]
    children.append(mp.Process(target=consume, args=(queue, producers, start, results)))
    for child in children:
        child.start()
    rate = results.get()
    for child in children:
        child.join()
    return rate


def round_trips(kind, seconds):
    requests, replies = kind(), kind()
    child = mp.Process(target=pong, args=(requests, replies))
    child.start()
    put, get, clock = requests.put, replies.get, time.perf_counter_ns
    for _ in range(1000):  # the child is running and both pipes are set up
        put(DATA)
        get()
    latencies = []
    began = clock()
    deadline = began + int(seconds * 1e9)
    now = began
    while now < deadline:
        sent = clock()
        put(DATA)
        get()
        now = clock()
        latencies.append(now - sent)
    put(END)
    child.join()
    latencies.sort()
    return len(latencies) * 1e9 / (now - began), latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"# Python {sys.version.split()[0]} multiprocessing queues, 64-byte messages, {seconds} s x {repetitions}"
          f" repetitions, median reported (start method {mp.get_start_method()})")
    kinds = (("python-mp-queue", mp.Queue), ("python-mp-simplequeue", mp.SimpleQueue))
    for operation in ("1p1c", "2p1c", "roundtrip"):
        for name, kind in kinds:
            if operation == "roundtrip":
                figures = [round_trips(kind, seconds) for _ in range(repetitions)]
                rates = [f[0] for f in figures]
                medians = sorted(f[1] for f in figures)
                p99s = sorted(f[2] for f in figures)
                extra = f" median_ns={medians[repetitions // 2]} p99_ns={p99s[repetitions // 2]}"
                processes = 2
            else:
                producers = 1 if operation == "1p1c" else 2
                rates = [throughput(kind, producers, seconds) for _ in range(repetitions)]
                extra = ""
                processes = producers + 1
            median = sorted(rates)[repetitions // 2]
            print(f"result suite=queue impl={name} op={operation} processes={processes} ops_per_s={median:.0f}"
                  f" reps={','.join(f'{r:.0f}' for r in rates)}{extra}", flush=True)


if __name__ == "__main__":
    main()
