import { createInterface } from 'node:readline';

/** Reads a secret from the terminal without echoing it, or the first line of standard input when it is piped. */
export async function readSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const rl = createInterface({ input });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  let secret = '';
  try {
    for await (const chunk of input) {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') return secret;
        if (char === '\u0003') throw new Error('cancelled');
        if (char === '\u007f') secret = secret.slice(0, -1);
        else secret += char;
      }
    }
    return secret;
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}
