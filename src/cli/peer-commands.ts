/**
 * `passage peer add|list|suspend|activate|remove` and `passage node identity`: the node's trust list of other nodes,
 * from the console. The commands run as the console operator, on the database or through the running node
 * (console.ts).
 */
import type { Command, Option } from 'commander';
import type { operations } from '../app/operations.ts';
import type { NodeIdentity, PeerView } from '../modules/federation/index.ts';
import { runCommand } from './console.ts';
import { table } from './output.ts';

type Result<N extends keyof typeof operations> = Awaited<ReturnType<(typeof operations)[N]>>;

export function registerPeerCommands(program: Command, dataOption: () => Option): void {
  const node = program.command('node').description('this node as other nodes see it');
  node
    .command('identity')
    .description("print this node's id, name, country and key fingerprint, to read out to another node's administrator")
    .option('--json', 'print it as JSON')
    .addOption(dataOption())
    .action(async (opts: { json?: boolean; data?: string }) => {
      const identity = (await runCommand({ dataDir: opts.data }, 'node.identity')) as Result<'node.identity'>;
      if (opts.json) printJson(identity);
      else console.log(describeNode(identity));
    });

  const peer = program
    .command('peer')
    .description('the nodes this node exchanges messages with, each trusted by the fingerprint of its key');

  peer
    .command('add')
    .description(
      'add a peer: fetches <url>/.well-known/passage-node and adds the node only when one of its keys has the ' +
        'fingerprint its administrator gave you out of band',
    )
    .argument('<url>', "the peer's base URL, e.g. https://passage.example.org")
    .requiredOption('--fingerprint <fingerprint>', "the fingerprint of the peer's key: SHA256: and 43 characters")
    .option('--json', 'print the peer as JSON')
    .addOption(dataOption())
    .action(async (url: string, opts: { fingerprint: string; json?: boolean; data?: string }) => {
      const added = (await runCommand({ dataDir: opts.data }, 'peer.add', {
        url,
        fingerprint: opts.fingerprint,
      })) as Result<'peer.add'>;
      if (opts.json) printJson(added);
      else
        console.log(
          `Added ${added.nodeId} (${added.name}, ${added.country}) at ${added.baseUrl}, key ${added.fingerprint}; ` +
            `its inbox is ${added.inboxUrl}.`,
        );
    });

  peer
    .command('list')
    .description('list the peers, after a line naming this node and its key fingerprint')
    .option('--json', 'print this node and the peers as JSON')
    .addOption(dataOption())
    .action(async (opts: { json?: boolean; data?: string }) => {
      const list = (await runCommand({ dataDir: opts.data }, 'peer.list')) as Result<'peer.list'>;
      if (opts.json) printJson(list);
      else printPeers(list.node, list.peers);
    });

  peer
    .command('suspend')
    .description('refuse the messages of a peer until it is activated again')
    .argument('<node id>', 'the node id of the peer')
    .addOption(dataOption())
    .action(async (nodeId: string, opts: { data?: string }) => {
      await runCommand({ dataDir: opts.data }, 'peer.suspend', { node: nodeId });
      console.log(`Suspended ${nodeId}: its messages are refused until "passage peer activate ${nodeId}".`);
    });

  peer
    .command('activate')
    .description('accept the messages of a suspended peer again')
    .argument('<node id>', 'the node id of the peer')
    .addOption(dataOption())
    .action(async (nodeId: string, opts: { data?: string }) => {
      await runCommand({ dataDir: opts.data }, 'peer.activate', { node: nodeId });
      console.log(`Activated ${nodeId}.`);
    });

  peer
    .command('ping')
    .description('send a signed ping to a peer and show its signed receipt: does it reach this node and trust its key?')
    .argument('<node id>', 'the node id of the peer')
    .option('--json', 'print the outcome as JSON')
    .addOption(dataOption())
    .action(async (nodeId: string, opts: { json?: boolean; data?: string }) => {
      const result = (await runCommand({ dataDir: opts.data }, 'peer.ping', { node: nodeId })) as Result<'peer.ping'>;
      if (opts.json) printJson(result);
      else if (result.status === 'accepted') {
        console.log(`${nodeId} accepted the ping in ${result.roundTripMs} ms (message ${result.messageId}).`);
      } else console.error(`passage: ${PING_PROBLEMS[result.reason ?? ''] ?? `${nodeId} answered ${result.reason}.`}`);
      if (result.status !== 'accepted') process.exitCode = 1;
    });

  peer
    .command('messages')
    .description('the messages exchanged with peers, newest first: what was sent or received, and the receipt')
    .argument('[node id]', 'only those exchanged with this peer')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print them as JSON')
    .addOption(dataOption())
    .action(async (nodeId: string | undefined, opts: { limit: string; json?: boolean; data?: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        console.error('passage: --limit must be a whole number from 1 to 1000.');
        process.exitCode = 2;
        return;
      }
      const rows = (await runCommand({ dataDir: opts.data }, 'peer.messages', {
        node: nodeId,
        limit,
      })) as Result<'peer.messages'>;
      if (opts.json) printJson(rows);
      else if (rows.length === 0) console.log('No messages yet.');
      else
        table(
          ['SENT AT', 'DIRECTION', 'PEER', 'TYPE', 'STATUS', 'REASON', 'ATTEMPTS', 'ID'],
          rows.map((m) => [
            m.sentAt,
            m.direction === 'out' ? 'sent' : 'received',
            m.peer,
            m.type,
            m.status,
            m.reason ?? m.lastError ?? '',
            m.direction === 'out' ? String(m.attempts) : '',
            m.id,
          ]),
        );
    });

  peer
    .command('remove')
    .description('remove a peer from the trust list; adding it again needs its fingerprint again')
    .argument('<node id>', 'the node id of the peer')
    .addOption(dataOption())
    .action(async (nodeId: string, opts: { data?: string }) => {
      await runCommand({ dataDir: opts.data }, 'peer.remove', { node: nodeId });
      console.log(`Removed ${nodeId} from the peers.`);
    });
}

/** What a failed ping means for the administrator, by the reason in the receipt (or of the delivery). */
const PING_PROBLEMS: Record<string, string> = {
  sender_unknown: 'The peer does not know this node: its administrator must add it (passage peer add).',
  sender_suspended: 'The peer has suspended its exchanges with this node.',
  signature_invalid: 'The peer does not trust this node’s current key: its administrator must add it again.',
  clock_skew: 'The clocks of the two nodes are more than 5 minutes apart: check their time settings.',
  peer_unreachable: 'The peer did not answer: it may be down, or its address has changed.',
  receipt_invalid: 'The peer’s answer was not a receipt signed with the key this node holds for it.',
};

const describeNode = (node: NodeIdentity) =>
  `This node: ${node.nodeId} (${node.name}${node.country ? `, ${node.country}` : ''}), key fingerprint ${node.fingerprint}`;

function printPeers(node: NodeIdentity, peers: PeerView[]): void {
  console.log(describeNode(node));
  if (peers.length === 0) {
    console.log('No peers yet. Add one with: passage peer add <url> --fingerprint <fingerprint>');
    return;
  }
  table(
    ['NODE ID', 'COUNTRY', 'STATUS', 'NAME', 'URL', 'FINGERPRINT'],
    peers.map((p) => [p.nodeId, p.country, p.status, p.name, p.baseUrl, p.fingerprint]),
  );
}

function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
