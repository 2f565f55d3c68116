export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** the target, e.g. "≤ 300 ms" */
  target?: string;
  /** the same measurement for a baseline, taken in the same run */
  baseline?: { name: string; value: number };
  /** whether the value meets the target; left unset when no target applies */
  pass?: boolean;
  /** what exactly is measured: from which moment to which, in which process, what is included */
  definition?: string;
}
