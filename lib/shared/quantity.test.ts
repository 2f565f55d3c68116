import { describe, expect, it } from 'vitest';
import { cpuMillis, memoryBytes, parseQuantity } from './quantity';

describe('quantity', () => {
  it('parses cpu', () => {
    expect(cpuMillis('500m')).toBe(500);
    expect(cpuMillis('2')).toBe(2000);
    expect(cpuMillis('1.5')).toBe(1500);
    expect(cpuMillis('250000u')).toBe(250);
  });
  it('parses memory', () => {
    expect(memoryBytes('1Gi')).toBe(1073741824);
    expect(memoryBytes('128Mi')).toBe(134217728);
    expect(memoryBytes('1G')).toBe(1e9);
    expect(memoryBytes('1e3')).toBe(1000);
    expect(memoryBytes('100')).toBe(100);
  });
  it('returns 0 / NaN for garbage instead of throwing', () => {
    expect(Number.isNaN(parseQuantity('abc'))).toBe(true);
    expect(cpuMillis('1Qi')).toBe(0);
    expect(memoryBytes(undefined)).toBe(0);
  });
});
