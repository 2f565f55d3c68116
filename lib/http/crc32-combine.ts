/**
 * CRC-32 of a concatenation from the CRCs of its parts (zlib's crc32_combine, which Node does not
 * expose): crc(A‖B) = crc(A)·x^(8·|B|) + crc(B) over GF(2) modulo the CRC polynomial. It lets a gzip
 * body be assembled from separately compressed runs without reading their 11 MB of input again.
 */
const POLY = 0xedb88320; // the CRC-32 polynomial, reflected

/** a(x)·b(x) modulo the polynomial, both reflected (bit 31 is x^0) */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial */
const X2N: number[] = [0x40000000];
for (let k = 1; k < 32; k++) X2N.push(multModP(X2N[k - 1]!, X2N[k - 1]!));

/** x^(n·2^k) modulo the polynomial */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n) {
    if (n & 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The operator that moves a CRC past `length` bytes (x^(8·length)); compute it once per part. */
export function crc32Shift(length: number): number {
  return x2nModP(length, 3);
}

/** CRC-32 of A‖B from crc(A), crc(B) and B's shift (crc32Shift of B's length): one multiplication */
export function crc32CombineShifted(crcA: number, crcB: number, shiftB: number): number {
  return (multModP(shiftB, crcA) ^ crcB) >>> 0;
}
