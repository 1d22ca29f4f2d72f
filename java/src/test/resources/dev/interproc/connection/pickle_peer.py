"""CPython's side of PickleInteropTest: pickles its suites of values, and loads what Java pickled.

  pickle_peer.py dump SUITE          prints "PICKLE <i> <protocol> <hex>" for every value of SUITE, protocols 0-5
  pickle_peer.py check SUITE HEX...  loads each pickle; prints "EQUAL <i>" if it equals SUITE[i] (type included),
                                     else "DIFFERENT <i> <ascii repr>"
  pickle_peer.py load HEX...         prints "LOADS <i> <ascii repr>" or "RAISES <i> <exception type>"
Every run ends with "DONE". Output is ASCII (ascii()), so lone surrogates print whatever the locale.
"""
import pickle
import sys

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
}


def main():
    mode = sys.argv[1]
    if mode == "dump":
        for i, value in enumerate(SUITES[sys.argv[2]]):
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                print("PICKLE", i, protocol, pickle.dumps(value, protocol=protocol).hex())
    elif mode == "check":
        suite = SUITES[sys.argv[2]]
        for i, data in enumerate(sys.argv[3:]):
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
