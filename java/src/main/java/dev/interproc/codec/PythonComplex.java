package dev.interproc.codec;

/**
 * Python's {@code complex}, as {@link PickleCodec} decodes and encodes it.
 *
 * @param real the real part
 * @param imaginary the imaginary part
 */
public record PythonComplex(double real, double imaginary) {}
