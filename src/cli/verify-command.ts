/**
 * `passage verify <bag.zip|bag-dir> [--key <verifier key, file or fingerprint>]`: checks an evidence package
 * offline. It needs no data directory, database, keys or network, so a court clerk can run it on any machine
 * that has Passage installed. Exit status: 0 verified, 1 a check failed, 2 a usage error (no such bag, a malformed
 * key).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { isKeyFingerprint } from '../lib/key-fingerprint.ts';
import { parseVerifierKey } from '../lib/signed-note.ts';
import type { BagCheck, BagCheckKind, BagReport, ExpectedKey } from '../modules/evidence/index.ts';

const USAGE_EXIT = 2;

class UsageError extends Error {}

const LABELS: Record<BagCheckKind, string> = {
  archive: 'Bag can be read safely',
  declaration: 'Bag declaration (bagit.txt)',
  'bag-info': 'Bag metadata (bag-info.txt)',
  'payload-manifest': 'Payload manifests',
  'payload-file': 'Payload files match both manifests',
  'payload-oxum': 'Payload-Oxum (byte and file count)',
  'tag-manifest': 'Tag manifest',
  'tag-file': 'Tag files (incl. custody/) match the tag manifest',
  key: 'Node key',
  checkpoint: 'Signed checkpoint',
  'inclusion-proof': 'Custody events are in the signed log',
  event: 'Custody events are well-formed and name items in the bag',
  item: 'Items (custody/items.json) match the payload',
  'item-events': 'Every item has custody events',
};

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'check an evidence package (BagIt zip or directory) offline: manifests, Payload-Oxum, the signed checkpoint ' +
        'and every custody event’s inclusion proof; exit 0 when everything verified, 1 when a check failed',
    )
    .argument('<bag>', 'the bag: a .zip file or a directory')
    .option(
      '--key <key>',
      "the exporting node's key, obtained independently: a verifier key (passage/<node>/custody+…), a file " +
        'holding one, or its fingerprint SHA256:…',
    )
    .option('--json', 'print the full report as JSON')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT))
    .action(async (bag: string, opts: { key?: string; json?: boolean }) => {
      try {
        if (!existsSync(bag)) throw new UsageError(`${bag}: no such file or directory`);
        const key = resolveKey(opts.key);
        const report = await runVerify(bag, key, !opts.json && process.stderr.isTTY === true);
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else printReport(report);
        process.exitCode = report.ok ? 0 : 1;
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        console.error(`passage verify: ${error.message}`);
        process.exitCode = USAGE_EXIT;
      }
    });
}

async function runVerify(bag: string, key: ExpectedKey | undefined, showProgress: boolean): Promise<BagReport> {
  const { verifyBag } = await import('../modules/evidence/index.ts');
  const bar = new SingleBar(
    { format: 'Hashing [{bar}] {percentage}% | {value}/{total} MB', stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  try {
    return await verifyBag(bag, {
      key,
      onProgress: showProgress
        ? (done, total) => {
            if (!started) bar.start(mb(total), 0);
            started = true;
            bar.update(mb(done));
          }
        : undefined,
    });
  } finally {
    if (started) bar.stop();
  }
}

/** `--key` holds a verifier key, a fingerprint, or the name of a file holding either. */
function resolveKey(value: string | undefined): ExpectedKey | undefined {
  if (value === undefined) return undefined;
  const parsed = parseKey(value.trim());
  if (parsed) return parsed;
  if (existsSync(value) && statSync(value).isFile()) {
    const fromFile = parseKey(readFileSync(value, 'utf8').trim());
    if (fromFile) return fromFile;
    throw new UsageError(`${value} holds neither a verifier key nor a key fingerprint`);
  }
  throw new UsageError(
    '--key must be a verifier key (passage/<node>/custody+<id>+<key>), a file holding one, or a fingerprint ' +
      'SHA256: followed by 43 base64 characters',
  );
}

function parseKey(text: string): ExpectedKey | undefined {
  if (text.startsWith('SHA256:')) {
    if (isKeyFingerprint(text)) return { fingerprint: text };
    throw new UsageError(`"${text}" is not a key fingerprint: SHA256: followed by 43 base64 characters`);
  }
  try {
    parseVerifierKey(text);
    return { vkey: text };
  } catch {
    return undefined;
  }
}

function printReport(report: BagReport): void {
  const out = (line = '') => console.log(line);
  out(`Evidence package: ${report.location}${report.format ? ` (${report.format})` : ''}`);
  for (const label of ['External-Identifier', 'Source-Organization', 'Bagging-Date', 'Bag-Size']) {
    const entry = report.bagInfo.find((e) => e.label.toLowerCase() === label.toLowerCase());
    if (entry) out(`  ${label}: ${entry.value}`);
  }
  if (report.format) printSummary(report);
  out();

  const byKind = new Map<BagCheckKind, BagCheck[]>();
  for (const check of report.checks) byKind.set(check.kind, [...(byKind.get(check.kind) ?? []), check]);
  for (const [kind, checks] of byKind) {
    const failed = checks.filter((c) => !c.ok);
    const mark = failed.length ? 'FAILED' : 'ok    ';
    const tally = checks.length > 1 ? ` (${checks.length - failed.length} of ${checks.length} passed)` : '';
    out(`${mark}  ${LABELS[kind]}${tally}`);
    for (const check of failed) out(`          ${check.where ? `${check.where}: ` : ''}${check.message}`);
    if (!failed.length && checks.length === 1 && checks[0]) out(`          ${checks[0].message}`);
  }
  out();
  for (const warning of report.warnings) out(`WARNING: ${warning}`);
  const failures = report.checks.filter((c) => !c.ok).length;
  if (report.ok) {
    out(
      report.key.independent
        ? 'VERIFIED: every check passed.'
        : 'VERIFIED against the bag’s own key only: every check passed, but see the warning above.',
    );
  } else {
    out(`NOT VERIFIED: ${failures} of ${report.checks.length} checks failed.`);
  }
}

function printSummary({ counts, key, checkpoint }: BagReport): void {
  const out = (line: string) => console.log(line);
  out(
    `  ${counts.payloadFiles} payload files, ${counts.payloadOctets} bytes; ${counts.items} items; ${counts.events} custody events`,
  );
  if (checkpoint) out(`  Checkpoint: ${checkpoint.origin}, tree size ${checkpoint.size}, root ${checkpoint.rootHash}`);
  const keyLine = {
    'supplied key': 'checked against the key you supplied',
    'supplied fingerprint': 'checked against the fingerprint you supplied',
    'bag only': 'NOT checked against an independent source (no --key given)',
  }[key.source];
  out(`  Node key: ${key.fingerprint ?? 'unknown'} — ${keyLine}`);
}
