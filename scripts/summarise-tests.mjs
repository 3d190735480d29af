// Sums the vitest JSON reports (<package>/.reports/vitest.json) into "N passed, N failed".
// Lists each failed test with the start of its message first, so that a CI log's tail says what
// failed. Exits 1 when a test failed or when a package that has tests left no report.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['packages', 'apps', 'tests'];
let passed = 0;
let failed = 0;
const missing = [];
const failures = [];
for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const dir of readdirSync(root)) {
    const pkg = join(root, dir);
    if (!existsSync(join(pkg, 'package.json'))) continue;
    const report = join(pkg, '.reports', 'vitest.json');
    if (!existsSync(report)) {
      missing.push(pkg);
      continue;
    }
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    if ((json.numFailedTestSuites ?? 0) > 0 && (json.numFailedTests ?? 0) === 0)
      failed += json.numFailedTestSuites;
    for (const file of json.testResults ?? []) {
      const where = relative(process.cwd(), file.name);
      const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
      for (const t of tests) failures.push({ where, title: t.fullName, message: t.failureMessages?.[0] });
      if (tests.length === 0 && file.status === 'failed')
        failures.push({ where, title: '(file)', message: file.message });
    }
  }
}
// pytest's JUnit report of the training project (training/.reports/pytest.xml).
const pytestReport = join('training', '.reports', 'pytest.xml');
if (existsSync(join('training', 'pyproject.toml'))) {
  if (!existsSync(pytestReport)) missing.push('training');
  else {
    const xml = readFileSync(pytestReport, 'utf8');
    const suite = /<testsuite\b([^>]*)>/.exec(xml)?.[1] ?? '';
    const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
    const bad = attr('failures') + attr('errors');
    passed += attr('tests') - bad - attr('skipped');
    failed += bad;
    for (const m of xml.matchAll(
      /<testcase[^>]*classname="([^"]*)"[^>]*name="([^"]*)"[^>]*>\s*<(failure|error)[^>]*message="([^"]*)"/g,
    ))
      failures.push({ where: m[1], title: m[2], message: m[4] });
  }
}
for (const f of failures) {
  console.log(`FAILED ${f.where} > ${f.title}`);
  const lines = String(f.message ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 6);
  for (const line of lines) console.log(`    ${line}`);
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed + missing.length} failed`);
process.exit(failed + missing.length > 0 ? 1 : 0);
