/**
 * Evidence ingest through the HTTP upload: a file streamed as multipart to a running node (its own process), which
 * hashes it (SHA-256 and SHA-512) and writes it to its store with fsync. Prints the throughput as a ratio to
 * `sha256sum` on the same file in the same run, and the node's resident memory while it ingests, at two file sizes,
 * to show that memory does not grow with the file.
 *
 *   npm run bench:evidence                        # 256 MiB and 1 GiB
 *   EVIDENCE_BENCH_MIB=64,512 npm run bench:evidence
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import { freshDatabase } from './harness.ts';

const NODE = join(import.meta.dirname, '../node_modules/.bin/node');
const MAIN = join(import.meta.dirname, '../src/cli/main.ts');
const PORT = 18_490;
const BASE = `http://127.0.0.1:${PORT}`;
const SIZES_MIB = (process.env.EVIDENCE_BENCH_MIB ?? '256,1024').split(',').map(Number);
const PASSWORD = 'correct horse battery staple';
const BOUNDARY = '----passage-bench';
const MIB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'passage-bench-evidence-'));
const dataDir = join(dir, 'node');
// With DATABASE_URL the node runs on a fresh PostgreSQL database of its own; without, on the embedded one.
const database = process.env.DATABASE_URL ? await freshDatabase('passage_bench_evidence') : null;
const env = {
  ...process.env,
  DATABASE_URL: database?.url ?? '',
  PASSAGE_LOG_LEVEL: 'warn',
  PASSAGE_EVIDENCE_MAX_BYTES: '8GiB',
};

function passage(args: string[], input?: string): string {
  const result = spawnSync(NODE, [MAIN, ...args, '--data', dataDir], { env, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`passage ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Writes `mib` MiB of random bytes, a MiB at a time. */
async function randomFile(path: string, mib: number): Promise<void> {
  const { randomFillSync } = await import('node:crypto');
  const handle = await open(path, 'w');
  const block = Buffer.alloc(MIB);
  for (let i = 0; i < mib; i++) await handle.write(randomFillSync(block));
  await handle.close();
}

/** Resident memory of a process, in MiB, from /proc. */
function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time of a process (all its threads), user and system, in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function sha256sumSeconds(path: string): number {
  const started = performance.now();
  const result = spawnSync('sha256sum', [path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sha256sum failed: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

async function signIn(email: string, secret: string): Promise<Record<string, string>> {
  const login = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const partial = (await login.json()) as { csrfToken: string };
  const second = await fetch(`${BASE}/api/auth/second-factor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': partial.csrfToken },
    body: JSON.stringify({ code: await generate({ secret }) }),
  });
  if (!second.ok) throw new Error(`sign-in failed: ${await second.text()}`);
  const session = (await second.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': session.csrfToken };
}

/** Streams `path` from disk as a multipart upload; resolves with the seconds from the first byte to the answer. */
function upload(caseId: string, auth: Record<string, string>, path: string): Promise<number> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBench file\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="handlingCode"\r\n\r\nH2\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const length = head.length + statSync(path).size + tail.length;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(`${BASE}/api/cases/${caseId}/evidence`, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(length),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 201) reject(new Error(`upload failed: ${Buffer.concat(chunks).toString()}`));
        else resolve((performance.now() - started) / 1000);
      });
    });
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path, { highWaterMark: MIB });
    file.pipe(req, { end: false });
    file.on('end', () => req.end(tail));
    file.on('error', reject);
  });
}

try {
  passage(['init', '--node-id', 'bench', '--country', 'IT']);
  passage(['agency', 'add', '--name', 'Bench Police', '--country', 'IT', '--type', 'LawEnforcement']);
  const created = passage(
    [
      'user',
      'add',
      '--email',
      'investigator@bench.example.org',
      '--name',
      'Bench',
      '--role',
      'investigator@Bench Police',
    ],
    `${PASSWORD}\n`,
  );
  const secret = /^ {2}([A-Z2-7]{16,})$/m.exec(created)?.[1];
  if (!secret) throw new Error('no TOTP secret in the output of user add');
  writeFileSync(join(dir, 'case.csv'), 'psg_ReportedAt,prs_Gender\n2026-01-10,Feminine\n');
  passage(['htcds', 'import', join(dir, 'case.csv'), '--agency', 'Bench Police']);
  const caseId = JSON.parse(passage(['case', 'list', '--json'])).cases[0].id as string;

  const node = spawn(NODE, [MAIN, 'start', '--data', dataDir, '--port', String(PORT)], { env, stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${BASE}/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 1200) throw new Error('the node did not become ready within a minute');
      await sleep(50);
    }
    const auth = await signIn('investigator@bench.example.org', secret);
    const pid = node.pid as number;
    // A small upload first, so that the figures below are of ingest, not of the first request's warm-up.
    const warm = join(dir, 'warm.bin');
    await randomFile(warm, 4);
    await upload(caseId, auth, warm);

    console.log(
      `evidence ingest over HTTP (node in its own process, ${database ? 'PostgreSQL' : 'embedded database'}), ` +
        `${SIZES_MIB.join(' and ')} MiB`,
    );
    const rows: string[][] = [];
    for (const mib of SIZES_MIB) {
      const path = join(dir, `bench-${mib}.bin`);
      await randomFile(path, mib);
      sha256sumSeconds(path);
      const baseline = sha256sumSeconds(path);
      const before = rssMib(pid);
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMib(pid));
      }, 20);
      const cpuBefore = cpuSeconds(pid);
      const clientBefore = process.cpuUsage();
      const seconds = await upload(caseId, auth, path);
      const client = process.cpuUsage(clientBefore);
      const clientCpu = (client.user + client.system) / 1e6;
      const cpu = cpuSeconds(pid) - cpuBefore;
      clearInterval(sampler);
      const throughput = mib / seconds;
      const reference = mib / baseline;
      rows.push([
        `${mib} MiB`,
        `${throughput.toFixed(0)} MiB/s`,
        `${reference.toFixed(0)} MiB/s`,
        `${(throughput / reference).toFixed(2)}x`,
        `${(cpu / seconds).toFixed(2)}`,
        `${(clientCpu / seconds).toFixed(2)}`,
        `${before.toFixed(0)} MiB`,
        `${peak.toFixed(0)} MiB`,
      ]);
      rmSync(path);
    }
    const headers = [
      'file',
      'upload',
      'sha256sum',
      'ratio',
      'node CPU/wall',
      'client CPU/wall',
      'node RSS before',
      'node RSS peak',
    ];
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    for (const row of [headers, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
    console.log('upload: from the first byte sent to the 201, which comes after SHA-256, SHA-512, fsync and commit.');
    console.log(
      `machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)} (the client runs on it too).`,
    );
  } finally {
    node.kill('SIGTERM');
    await new Promise((resolve) => node.once('exit', resolve));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await database?.drop();
}
