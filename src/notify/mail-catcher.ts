/**
 * The local mail catcher `kehoach up` runs when SMTP_URL is not set: a real SMTP server
 * (`smtp-server`) on 127.0.0.1 that accepts every message, without authentication, and keeps each
 * one as a `.eml` file (any mail client opens it) in a folder of the data directory. It relays
 * nothing: mail to real addresses stays here.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface MailCatcher {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  port: number;
  /** Where the received messages are kept. */
  dir: string;
  stop(): Promise<void>;
}

export interface MailCatcherOptions {
  dir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** When `port` is taken (another kehoach on this machine), listen on a free port instead of failing. */
  anyPortIfTaken?: boolean;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  let counter = readdirSync(dir).filter((name) => name.endsWith('.eml')).length;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'kehoach mail catcher: messages are kept, not relayed',
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        counter += 1;
        const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
        const file = path.join(dir, `${stamp}-${String(counter).padStart(5, '0')}.eml`);
        writeFile(file, Buffer.concat(chunks)).then(
          () => callback(null, `kept as ${path.basename(file)}`),
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  const host = options.host ?? '127.0.0.1';
  const listen = (wanted: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      const listener = server.listen(wanted, host, () => {
        server.off('error', onError);
        const address = listener.address();
        resolve(typeof address === 'object' && address ? address.port : wanted);
      });
    });
  let port: number;
  try {
    port = await listen(options.port);
  } catch (error) {
    if (!options.anyPortIfTaken || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    port = await listen(0);
  }
  return {
    url: `smtp://${host}:${port}`,
    port,
    dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
