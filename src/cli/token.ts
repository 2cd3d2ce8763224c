/**
 * `kehoach token create|list|revoke`: API tokens through the API (admin). The token itself is
 * printed once, by `create`; only its hash is stored.
 */
import { ApiError, createApiClient } from './api-client';
import { parseCommandArgs, usageError as commandUsageError } from './args';
import { cliText } from '../i18n';

export async function run(args: string[]): Promise<number> {
  const USAGE = cliText('token.usage');
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
      if (!name || !role) return usageError(cliText('token.createNeeds'));
      const client = createApiClient();
      const response = await client.request('POST', '/api/tokens', {
        name,
        role,
        ...(agency ? { agency } : {}),
      });
      const created = response.json() as { id: string; token: string; role: string; agency?: string };
      const who = `${created.role}${created.agency ? `, ${created.agency}` : ''}`;
      process.stderr.write(`${cliText('token.created', { id: created.id, who })}\n`);
      process.stdout.write(`${created.token}\n`);
      return 0;
    }
    if (action === 'list') {
      if (rest.length > 0) return usageError(cliText('token.listTakesNothing'));
      const client = createApiClient();
      const { items } = (await client.request('GET', '/api/tokens')).json() as {
        items: { id: string; name: string; agency?: string; role: string; createdAt: string; lastUsedAt?: string; revokedAt?: string }[];
      };
      for (const token of items) {
        const state = token.revokedAt
          ? cliText('token.revokedAt', { at: token.revokedAt })
          : token.lastUsedAt
            ? cliText('token.lastUsedAt', { at: token.lastUsedAt })
            : cliText('token.neverUsed');
        process.stdout.write(`${token.id}\t${token.role}\t${token.agency ?? '-'}\t${token.name}\t${state}\n`);
      }
      return 0;
    }
    if (action === 'revoke') {
      if (rest.length !== 1) return usageError(cliText('token.revokeTakesOne'));
      const client = createApiClient();
      await client.request('DELETE', `/api/tokens/${encodeURIComponent(rest[0]!)}`);
      process.stderr.write(`${cliText('token.revoked', { id: rest[0] })}\n`);
      return 0;
    }
    return usageError(cliText('token.unknownAction', { action }));
  } catch (error) {
    process.stderr.write(`kehoach token: ${(error as Error).message}\n`);
    return error instanceof ApiError || (error as Error).name === 'ConfigError' ? 1 : 2;
  }
}
