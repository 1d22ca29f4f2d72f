"""CPython's side of PickleInteropTest: pickles its suites of values, and loads what Java pickled.

  pickle_peer.py dump SUITE          prints "PICKLE <i> <protocol> <hex>" for every value of SUITE, protocols 0-5
  pickle_peer.py check SUITE I:HEX... loads each pickle; prints "EQUAL <i>" if it equals SUITE[i] (type included),
                                     else "DIFFERENT <i> <ascii repr>"
  pickle_peer.py load HEX...         prints "LOADS <i> <ascii repr>" or "RAISES <i> <exception type>"
Every run ends with "DONE". Output is ASCII (ascii()), so lone surrogates print whatever the locale.
"""
import array
import collections
import dataclasses
import datetime
import decimal
import pickle
import sys


@dataclasses.dataclass(frozen=True)
class Point:
    """A class of the user's, which PickleInteropTest registers as a PythonClass; it pickles as a call."""
    x: int
    y: object

    def __reduce__(self):
        return (Point, (self.x, self.y))


def offset(**kwargs):
    return datetime.timezone(datetime.timedelta(**kwargs))


SUITES = {
    "strings": [
        "",
        "ascii",
        "h\u00e9llo \u20ac \U0001F600",
        "a\ud800b",
        "\udfff",
        "x" * 300 + "\udc80",
        "back\\slash\nnew line \\u0041 \\\\u0042",
    ],
    "types": [
        datetime.datetime(2024, 2, 29, 23, 59, 58, 999999),
        datetime.datetime(1, 1, 1, tzinfo=offset(hours=-5, minutes=-30)),
        datetime.datetime(9999, 12, 31, 12, 0, tzinfo=datetime.timezone.utc),
        datetime.date(2024, 2, 29),
        datetime.time(0, 0, 0, 1),
        datetime.time(13, 14, 15, tzinfo=offset(hours=14)),
        datetime.timedelta(days=-1, seconds=5, microseconds=7),
        datetime.timedelta(days=999999999, seconds=86399, microseconds=999999),
        offset(seconds=-3723),
        decimal.Decimal("1.10"),
        decimal.Decimal("-1E+3"),
        decimal.Decimal("123456789012345678901234567890.000000001"),
        complex(1.5, -2),
        complex(0, 1e300),
        collections.OrderedDict([("b", 1), ("a", [2, 3])]),
        array.array("d", [1.5, -2.25]),
        array.array("f", [0.5]),
        array.array("b", [1, -128]),
        array.array("B", [255, 0]),
        array.array("h", [-32768]),
        array.array("H", [65535]),
        array.array("i", [-2**31]),
        array.array("I", [2**32 - 1]),
        array.array("l", [-2**63]),
        array.array("L", [2**63 - 1]),
        array.array("q", []),
        array.array("Q", [2**63 - 1]),
        Point(1, datetime.date(2000, 1, 1)),
        [datetime.date(2000, 1, 1), {decimal.Decimal("2.5"): datetime.timedelta(0)}, (complex(1, 1),)],
    ],
}


def main():
    mode = sys.argv[1]
    if mode == "dump":
        for i, value in enumerate(SUITES[sys.argv[2]]):
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                print("PICKLE", i, protocol, pickle.dumps(value, protocol=protocol).hex())
    elif mode == "check":
        suite = SUITES[sys.argv[2]]
        for argument in sys.argv[3:]:
            i, data = argument.split(":")
            i = int(i)
            value = pickle.loads(bytes.fromhex(data))
            if type(value) is type(suite[i]) and value == suite[i]:
                print("EQUAL", i)
            else:
                print("DIFFERENT", i, ascii(value))
    elif mode == "load":
        for i, data in enumerate(sys.argv[2:]):
            try:
                print("LOADS", i, ascii(pickle.loads(bytes.fromhex(data))))
            except Exception as e:
                print("RAISES", i, type(e).__name__)
    print("DONE")


main()
