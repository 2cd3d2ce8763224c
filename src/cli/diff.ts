/** `kehoach diff [files…]`: what `kehoach apply` would change, with `kubectl diff` exit codes. */
import { runPlanCommand } from './apply';

export function run(args: string[]): Promise<number> {
  return runPlanCommand('diff', args);
}
