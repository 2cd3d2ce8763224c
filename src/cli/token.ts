/**
 * `kehoach token create|list|revoke`: API tokens through the API (admin). The token itself is
 * printed once, by `create`; only its hash is stored.
 */
import { ApiError, createApiClient } from './api-client';
import { parseCommandArgs, usageError as commandUsageError } from './args';

const USAGE = [
  'Usage:',
  '  kehoach token create --name "<họ tên>" --role staff|leader|admin [--agency <agency id>]',
  '  kehoach token list',
  '  kehoach token revoke <token id>',
  '',
  'staff and leader tokens are bound to an agency (its id in the plan, for example so-tu-phap).',
  'Talks to KEHOACH_URL (default http://127.0.0.1:3000) with KEHOACH_TOKEN (default: the local admin token).',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (!action || action === '--help' || action === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return action ? 0 : 2;
  }
  const usageError = (message: string) => commandUsageError('token', message, USAGE);
  try {
    if (action === 'create') {
      const parsed = parseCommandArgs(
        'token',
        rest,
        { name: { type: 'string' }, role: { type: 'string' }, agency: { type: 'string' } },
        USAGE,
        false,
      );
      if (!parsed.ok) return parsed.exitCode;
      const { name, role, agency } = parsed.values;
      if (!name || !role) return usageError('create needs --name and --role');
      const client = createApiClient();
      const response = await client.request('POST', '/api/tokens', {
        name,
        role,
        ...(agency ? { agency } : {}),
      });
      const created = response.json() as { id: string; token: string; role: string; agency?: string };
      process.stderr.write(
        `Created ${created.id} (${created.role}${created.agency ? `, ${created.agency}` : ''}). Keep the token: it is shown only now.\n`,
      );
      process.stdout.write(`${created.token}\n`);
      return 0;
    }
    if (action === 'list') {
      if (rest.length > 0) return usageError('list takes no arguments');
      const client = createApiClient();
      const { items } = (await client.request('GET', '/api/tokens')).json() as {
        items: { id: string; name: string; agency?: string; role: string; createdAt: string; lastUsedAt?: string; revokedAt?: string }[];
      };
      for (const token of items) {
        const state = token.revokedAt ? `revoked ${token.revokedAt}` : token.lastUsedAt ? `last used ${token.lastUsedAt}` : 'never used';
        process.stdout.write(`${token.id}\t${token.role}\t${token.agency ?? '-'}\t${token.name}\t${state}\n`);
      }
      return 0;
    }
    if (action === 'revoke') {
      if (rest.length !== 1) return usageError('revoke takes one token id (see `kehoach token list`)');
      const client = createApiClient();
      await client.request('DELETE', `/api/tokens/${encodeURIComponent(rest[0]!)}`);
      process.stderr.write(`Revoked ${rest[0]}.\n`);
      return 0;
    }
    return usageError(`unknown action "${action}"`);
  } catch (error) {
    process.stderr.write(`kehoach token: ${(error as Error).message}\n`);
    return error instanceof ApiError || (error as Error).name === 'ConfigError' ? 1 : 2;
  }
}
