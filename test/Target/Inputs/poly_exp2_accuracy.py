"""Reads PTX on stdin, takes the first polynomial exp2 that bsattn-poly-exp2
asks for (max with -127, add.rm.f32 of 1.5 * 2^23, two subtractions, five
fma.rn.f32 of Horner's scheme, the shift into the exponent field) with its
constants as the PTX states them, evaluates that instruction sequence in
float32 (struct rounds Python's doubles) on a grid of exponents and prints
its largest error against exp2 in double: relative where the result is a
normal float, absolute below. Fails where the sequence is not found.
"""
import math
import random
import re
import struct
import sys


def f32(value):
    """value rounded to the nearest float32."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def bits(value):
    return struct.unpack("<i", struct.pack("<f", value))[0]


def from_bits(word):
    return struct.unpack("<f", struct.pack("<I", word & 0xFFFFFFFF))[0]


def hex_float(token):
    return from_bits(int(token[2:], 16))


def constants(ptx):
    """(clamp, offset, Horner coefficients from the highest degree)."""
    rounding = re.search(
        r"add\.rm\.f32\s+%r\d+, (%r\d+), (%r\d+|0f[0-9A-F]{8});", ptx)
    if not rounding:
        sys.exit("no polynomial exp2 in the PTX")
    match = re.search(r"max\.f32\s+" + re.escape(rounding.group(1)) +
                      r", %r\d+, (0f[0-9A-F]{8});", ptx)
    if not match:
        sys.exit("the polynomial exp2's input is not clamped")
    offset = rounding.group(2)
    if offset.startswith("%"):
        offset = re.search(r"mov\.b32\s+" + re.escape(offset) +
                           r", (0f[0-9A-F]{8});", ptx).group(1)
    tail = ptx[rounding.end():]
    fmas = re.findall(r"fma\.rn\.f32\s+%r\d+, %r\d+, (%r\d+|0f[0-9A-F]{8}), "
                      r"(0f[0-9A-F]{8});", tail)[:5]
    # The first step multiplies two constants (c5 * f + c4), the others the
    # running value by f.
    coefficients = [hex_float(fmas[0][0]), hex_float(fmas[0][1])]
    coefficients += [hex_float(addend) for _, addend in fmas[1:]]
    if len(coefficients) != 6 or "shl.b32" not in tail[:2000]:
        sys.exit("the polynomial exp2 does not have its expected form")
    return hex_float(match.group(1)), hex_float(offset), coefficients


def poly_exp2(x, clamp, offset, coefficients):
    clamped = max(x, clamp)
    # add.rm: the exact sum lies in [2^23, 2^24), where float32 holds the
    # integers, so rounding down is floor.
    shifted = float(math.floor(clamped + offset))
    fraction = f32(clamped - f32(shifted - offset))
    value = coefficients[0]
    for c in coefficients[1:]:
        # fma.rn: one rounding of the exact product (a double holds the
        # product of two float32) plus c.
        value = f32(value * fraction + c)
    return from_bits(bits(value) + (bits(shifted) << 23))


def main():
    clamp, offset, coefficients = constants(sys.stdin.read())
    rng = random.Random(0)
    xs = [f32(rng.uniform(-126, 0)) for _ in range(150_000)]
    xs += [f32(-4 + 4 * i / 50_000) for i in range(50_001)]
    xs += [f32(rng.uniform(-140, -126)) for _ in range(10_000)]
    worst_relative = worst_absolute = 0.0
    for x in xs:
        exact = 2.0 ** x
        error = abs(poly_exp2(x, clamp, offset, coefficients) - exact)
        if exact >= 2.0 ** -126:
            worst_relative = max(worst_relative, error / exact)
        else:
            worst_absolute = max(worst_absolute, error)
    print(f"clamp {clamp} offset {offset} degree {len(coefficients) - 1}")
    print(f"max relative error 2^{math.log2(worst_relative):.1f}")
    print(f"max absolute error below 2^-126: 2^{math.log2(worst_absolute):.1f}")
    print("exp2(0) =", poly_exp2(0.0, clamp, offset, coefficients),
          "exp2(-inf) =", poly_exp2(-math.inf, clamp, offset, coefficients),
          "exp2(-127) =", poly_exp2(-127.0, clamp, offset, coefficients))


main()
