/**
 * The mail catcher in its own process (a real SMTP server the test does not share a process
 * with). Environment: MAIL_DIR. Prints "listening <port>" once it accepts connections.
 */
import { startMailCatcher } from '../../src/notify/mail-catcher';

const dir = process.env.MAIL_DIR;
if (!dir) throw new Error('MAIL_DIR is not set');
startMailCatcher({ dir, port: 0 }).then(
  (catcher) => process.stdout.write(`listening ${catcher.port}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
