import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatCpuMilli, parseCpuMilli, parseQuantity } from './quantity-format';

describe('parseQuantity', () => {
  it('parses binary, decimal, milli and exponent forms', () => {
    expect(parseQuantity('16Gi')).toBe(16 * 2 ** 30);
    expect(parseQuantity('16393460Ki')).toBe(16393460 * 1024);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('110')).toBe(110);
    expect(parseCpuMilli('3920m')).toBeCloseTo(3920);
    expect(parseCpuMilli('4')).toBe(4000);
    expect(parseCpuMilli('0.5')).toBe(500);
  });

  it('returns NaN for malformed or missing input', () => {
    expect(parseQuantity('lots')).toBeNaN();
    expect(parseQuantity('5Qi')).toBeNaN();
    expect(parseQuantity(undefined)).toBeNaN();
  });
});

describe('formatting', () => {
  it('formats bytes in binary units, cpu in cores and age compactly', () => {
    expect(formatBytes(15 * 2 ** 30)).toBe('15.0 GiB');
    expect(formatBytes(101430960 * 1024)).toBe('96.7 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatCpuMilli(250)).toBe('0.25 cores');
    expect(formatCpuMilli(1000)).toBe('1 core');
    expect(formatCpuMilli(4000)).toBe('4 cores');
    expect(formatCpuMilli(3900)).toBe('3.9 cores');
    expect(formatCpuMilli(64_250)).toBe('64.3 cores');
    expect(formatCpuMilli(5)).toBe('5m');
    expect(formatCpuMilli(0)).toBe('0 cores');
    const now = Date.parse('2026-01-10T00:00:00Z');
    expect(formatAge('2026-01-09T23:59:30Z', now)).toBe('30s');
    expect(formatAge('2026-01-09T23:00:00Z', now)).toBe('60m');
    expect(formatAge('2026-01-09T00:00:00Z', now)).toBe('24h');
    expect(formatAge('2026-01-01T00:00:00Z', now)).toBe('9d');
    expect(formatAge('garbage', now)).toBe('—');
  });
});
