// The main job until the reference agent lands: score a small set of recorded decisions with the
// paper's offline metrics and check a recorded trajectory file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTrajectoryFile } from '@lam/agent';
import { decisionMetrics } from '@lam/eval';

const bold = { controlLabel: '12', controlName: 'Bold', function: 'click_input', args: {}, status: 'FINISH' };
const metrics = decisionMetrics([{ taskId: 'writer_1', steps: [{ expected: bold, predicted: bold }] }]);
console.log('offline metrics:', metrics);

const file = join(mkdtempSync(join(tmpdir(), 'lam-main-')), 'run.jsonl');
writeFileSync(
  file,
  [
    {
      kind: 'trajectory-start',
      trajectoryId: 't1',
      request: 'Make the title bold',
      startedAt: new Date().toISOString(),
    },
    { kind: 'step', trajectoryId: 't1', step: { index: 1, decision: { thought: '', ...bold, plan: [] } } },
  ]
    .map((r) => `${JSON.stringify(r)}\n`)
    .join(''),
);
console.log('trajectory check:', await validateTrajectoryFile(file));
