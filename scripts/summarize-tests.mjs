// Adds up the JSON reports of vitest and Playwright into one closing line: "N passed, N failed, N skipped".
// A vitest file can fail with no failed test in it (a throwing beforeAll/afterAll, a broken import):
// vitest then marks the file (a suite) failed and counts it in numFailedTestSuites, so each such file
// counts as one failure here.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'test-results/summary';
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;

/** Fields of vitest's JSON reporter (vitest 4: numFailedTestSuites, numPendingTests, testResults[].status). */
function vitestCounts(r) {
  const failedFiles = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  // a suite can fail without its file or any test failing only through a hook; count it too
  const suiteOnly = r.numFailedTests === 0 && failedFiles.length === 0 ? r.numFailedTestSuites : 0;
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests + failedFiles.length + suiteOnly,
    skipped: r.numPendingTests + r.numTodoTests,
    failedFiles: failedFiles.map(
      (f) => `${path.relative(process.cwd(), f.name)}: ${f.message || 'a hook failed (see the log above)'}`,
    ),
    success: r.success,
  };
}

for (const name of ['unit', 'integration']) {
  const file = path.join(dir, `${name}.json`);
  if (!existsSync(file)) {
    missing++;
    console.log(`${name}: no report`);
    continue;
  }
  const c = vitestCounts(JSON.parse(readFileSync(file, 'utf8')));
  // vitest's own verdict wins if it saw a failure this script could not attribute
  if (c.success === false && c.failed === 0) c.failed = 1;
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  console.log(`${name}: ${c.passed} passed, ${c.failed} failed`);
  for (const f of c.failedFiles) console.log(`  failed outside any test: ${f}`);
}

const e2e = path.join(dir, 'e2e.json');
if (existsSync(e2e)) {
  const report = JSON.parse(readFileSync(e2e, 'utf8'));
  const s = report.stats;
  // errors outside tests (global setup, a web server that never started) are listed in report.errors
  const outside = report.errors?.length ?? 0;
  passed += s.expected;
  failed += s.unexpected + s.flaky + outside;
  skipped += s.skipped;
  console.log(`e2e: ${s.expected} passed, ${s.unexpected + s.flaky + outside} failed`);
} else {
  missing++;
  console.log('e2e: no report');
}

if (missing) failed += missing;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
