import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the ports chosen below a limit begin: above the well-known and most registered services' ports. */
const PORTS_FROM = 20_000;

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a server a test starts. Taken below the
 * kernel's ephemeral range: a port the kernel hands out for listening on port 0 comes from that
 * range, and before the server binds it any outgoing connection of the tests running beside may
 * take it as its local end (Postgres then fails with "Address already in use"). No connection
 * takes a port below the range.
 */
export function freePort(): Promise<number> {
  const rangeStart = ephemeralRangeStart();
  return rangeStart > PORTS_FROM + 1_000 ? freePortBelow(rangeStart) : anyFreePort();
}

/** Where the kernel's ephemeral ports begin (Linux; 32768 where it cannot be read). */
function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** A port the kernel picks, for a machine whose ephemeral range leaves no room below it. */
function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port below `limit`: below the kernel's ephemeral range (freePort), or below 32768 for
 * servers that store ports in a signed 16-bit column (the Temporal server's cluster membership
 * table).
 */
export async function freePortBelow(limit: number, from = PORTS_FROM): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (limit - from));
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free port found between ${from} and ${limit}`);
}
