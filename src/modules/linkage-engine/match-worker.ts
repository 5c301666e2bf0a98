/** A worker thread of `matchBatch`: builds its own pool from the shared `b` vectors, then matches chunks of `a`. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildPool, type Job, matchChunk, type WorkerMessage } from './batch-match.ts';

const { job, report } = workerData as { job: Job; report: boolean };
const port = parentPort;
if (!port) throw new Error('match-worker.ts runs as a worker thread');
const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  const pool = buildPool(job, (done) => {
    // With a shared index the calling thread has reported the indexing; a worker then only says it is ready.
    if ((report && !job.index) || done === job.b.count) send({ type: 'indexed', done });
  });
  port.on('message', (message: { type: 'chunk'; from: number; to: number } | { type: 'stop' }) => {
    if (message.type === 'stop') {
      port.close();
      return;
    }
    try {
      const pairs = matchChunk(pool, job.a, message.from, message.to);
      send({ type: 'pairs', from: message.from, pairs }, [
        pairs.a.buffer,
        pairs.b.buffer,
        pairs.scores.buffer,
      ] as ArrayBuffer[]);
    } catch (error) {
      send({ type: 'failed', message: (error as Error).message });
    }
  });
} catch (error) {
  send({ type: 'failed', message: (error as Error).message });
}
