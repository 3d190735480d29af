// A program that starts a desktop session and then idles until it is killed: session.test.ts
// bundles it, runs it as a child process, and kills it to check the cleanup paths.
import { startDesktopSession } from '../session';

async function main(): Promise<void> {
  const [runDir, mode] = process.argv.slice(2);
  const session = await startDesktopSession({ app: 'writer', runDir, guardian: mode === 'guardian' });
  process.stdout.write(
    `${JSON.stringify({ id: session.id, dir: session.record.dir, display: session.record.display, pids: session.processes(), files: session.record.files })}\n`,
  );
  setInterval(() => {}, 1_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
