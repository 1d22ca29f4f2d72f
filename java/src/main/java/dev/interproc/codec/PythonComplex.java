package dev.interproc.codec;

/**
 * Python's {@code complex}, as {@link PickleCodec} decodes and encodes it.
 *
 * <p>Comparable by real then imaginary part, an order consistent with {@code equals} that Python does not have:
 * it is there for Java's hash tables, which fall back on it when hashes collide. A record's hash of two doubles
 * is easy to make collide, and without an order a dict of many such keys would cost quadratic time to decode.
 *
 * @param real the real part
 * @param imaginary the imaginary part
 */
public record PythonComplex(double real, double imaginary) implements Comparable<PythonComplex> {

    @Override
    public int compareTo(PythonComplex other) {
        int byReal = Double.compare(real, other.real);
        return byReal != 0 ? byReal : Double.compare(imaginary, other.imaginary);
    }
}
