import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ConfigError, loadConfig } from '../src/config';

t.test('defaults', async (t) => {
  const config = loadConfig({}, '/srv/kehoach');
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.equal(config.dataDir, path.resolve('/srv/kehoach', '.data'));
  t.equal(config.databaseUrl, undefined, 'embedded Postgres');
  t.equal(config.temporal.address, undefined, 'a dev server started by kehoach up');
  t.equal(config.temporal.namespace, 'default');
  t.equal(config.temporal.devServerPort, 7233);
  t.equal(config.apiUrl, 'http://127.0.0.1:3000');
  t.equal(config.sessionSecret, undefined, 'the dashboard signs its cookies with a random secret per process');
});

function tlsFiles(t: Test): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kehoach-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'client.pem'), 'certificate');
  writeFileSync(path.join(dir, 'client.key'), 'key');
  return { dir, cert: path.join(dir, 'client.pem'), key: path.join(dir, 'client.key') };
}

t.test('every variable read', async (t) => {
  const tls = tlsFiles(t);
  const config = loadConfig(
    {
      PORT: '8080',
      HOST: '0.0.0.0',
      KEHOACH_DATA_DIR: '/var/lib/kehoach',
      DATABASE_URL: 'postgres://u:p@db:5432/kehoach',
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_NAMESPACE: 'nghe-an',
      KEHOACH_TEMPORAL_PORT: '7300',
      TEMPORAL_TLS_CERT: tls.cert,
      TEMPORAL_TLS_KEY: tls.key,
      TEMPORAL_API_KEY: '',
      KEHOACH_URL: 'https://kehoach.example/',
      KEHOACH_TOKEN: 'kh_abc',
      KEHOACH_SESSION_SECRET: ' 0123456789abcdef0123456789abcdef ',
    },
    '/',
  );
  t.equal(config.port, 8080);
  t.equal(config.dataDir, '/var/lib/kehoach');
  t.equal(config.databaseUrl, 'postgres://u:p@db:5432/kehoach');
  t.match(config.temporal, { address: 'temporal.example:7233', namespace: 'nghe-an', devServerPort: 7300, apiKey: undefined });
  const pair = (config.temporal.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array } }).clientCertPair;
  t.equal(Buffer.from(pair!.crt).toString(), 'certificate', 'TEMPORAL_TLS_CERT, the earlier name, still gives the client certificate');
  t.equal(Buffer.from(pair!.key).toString(), 'key');
  t.equal(config.apiUrl, 'https://kehoach.example', 'trailing slash dropped');
  t.equal(config.apiToken, 'kh_abc');
  t.equal(config.sessionSecret, '0123456789abcdef0123456789abcdef', 'trimmed');
  t.equal(loadConfig({ PORT: '4000' }).apiUrl, 'http://127.0.0.1:4000', 'the CLI follows PORT');
});

t.test('errors name the variable and say what to write', async (t) => {
  t.throws(() => loadConfig({ PORT: 'ba nghìn' }), { name: 'ConfigError', message: /PORT must be a TCP port number/ });
  t.throws(() => loadConfig({ PORT: '70000' }), { message: /PORT must be between 1 and 65535/ });
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), { message: /DATABASE_URL must start with postgres:\/\// });
  t.throws(() => loadConfig({ TEMPORAL_ADDRESS: 'http://temporal:7233' }), { message: /TEMPORAL_ADDRESS must be host:port/ });
  t.throws(() => loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' }), { message: /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/ });
  t.throws(() => loadConfig({ KEHOACH_URL: 'not a url' }), { message: /KEHOACH_URL must be a URL/ });
  t.throws(() => loadConfig({ KEHOACH_SESSION_SECRET: 'ngắn' }), { message: /KEHOACH_SESSION_SECRET must be at least 32 characters/ });
  t.throws(() => loadConfig({ KEHOACH_LANG: 'fr' }), { name: 'ConfigError', message: /KEHOACH_LANG="fr"[\s\S]*use "vi"/ });
  t.doesNotThrow(() => loadConfig({ KEHOACH_LANG: 'en' }));
  const error = (() => {
    try {
      loadConfig({ PORT: 'x', KEHOACH_TEMPORAL_PORT: 'y' });
    } catch (e) {
      return e;
    }
  })();
  t.ok(error instanceof ConfigError);
  t.match((error as Error).message, /PORT[\s\S]*KEHOACH_TEMPORAL_PORT/, 'every bad variable at once');
});

t.test('Temporal settings as the Temporal CLI reads them: standard variables and profiles', async (t) => {
  const tls = tlsFiles(t);
  const file = path.join(tls.dir, 'temporal.toml');
  writeFileSync(
    file,
    [
      '[profile.default]',
      'address = "localhost:7233"',
      '[profile.cloud]',
      'address = "nghe-an.a1b2c.tmprl.cloud:7233"',
      'namespace = "nghe-an.a1b2c"',
      'api_key = "secret-from-profile"',
      '[profile.cloud.grpc_meta]',
      'x-province = "nghe-an"',
      '',
    ].join('\n'),
  );
  const cloud = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
  t.same(
    cloud.temporal,
    {
      address: 'nghe-an.a1b2c.tmprl.cloud:7233',
      namespace: 'nghe-an.a1b2c',
      devServerPort: 7233,
      tls: true,
      apiKey: 'secret-from-profile',
      metadata: { 'x-province': 'nghe-an' },
    },
    'a named profile: address, namespace, API key (TLS on) and gRPC headers',
  );
  const overridden = loadConfig({
    TEMPORAL_CONFIG_FILE: file,
    TEMPORAL_PROFILE: 'cloud',
    TEMPORAL_NAMESPACE: 'thai-nguyen',
    TEMPORAL_API_KEY: 'from-env',
  });
  t.match(overridden.temporal, { namespace: 'thai-nguyen', apiKey: 'from-env' }, 'variables win over the profile');
  t.equal(loadConfig({ TEMPORAL_CONFIG_FILE: file }).temporal.address, 'localhost:7233', 'the default profile when none is named');

  const standard = loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: tls.cert, TEMPORAL_TLS_CLIENT_KEY_PATH: tls.key, TEMPORAL_GRPC_META_X_TEAM: 'stp' });
  t.ok((standard.temporal.tls as { clientCertPair?: unknown }).clientCertPair, 'mTLS from the standard variables');
  t.same(standard.temporal.metadata, { 'x-team': 'stp' });

  t.throws(() => loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' }), {
    name: 'ConfigError',
    message: /Profile 'staging' not found.*TEMPORAL_PROFILE/,
  });
  t.throws(() => loadConfig({ TEMPORAL_TLS_CERT: tls.cert, TEMPORAL_TLS_KEY: path.join(tls.dir, 'missing.key') }), {
    name: 'ConfigError',
    message: /cannot read TEMPORAL_TLS_KEY \(.*missing\.key\)/,
  });
  t.throws(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(tls.dir, 'missing.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: tls.key }), {
    message: /cannot read TEMPORAL_TLS_CLIENT_CERT_PATH \(.*missing\.pem\)/,
  });
});

t.test('notification delivery: SMTP, sender, webhook secrets, public URL', async (t) => {
  const defaults = loadConfig({ PORT: '4000' }, '/srv/kehoach').notify;
  t.same(defaults, {
    smtpUrl: undefined,
    mailFrom: 'kehoach <kehoach@localhost>',
    webhookSecrets: {},
    webhookSecret: undefined,
    publicUrl: 'http://127.0.0.1:4000',
    catcherPort: 2525,
  });
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const config = loadConfig(
    {
      SMTP_URL: 'smtps://kehoach:secret@mail.tinh.gov.vn:465',
      KEHOACH_MAIL_FROM: 'Văn phòng UBND tỉnh <kehoach@tinh.gov.vn>',
      KEHOACH_WEBHOOK_SECRETS: JSON.stringify({ 'https://hooks.tinh.gov.vn': secret }),
      KEHOACH_WEBHOOK_SECRET: secret,
      KEHOACH_PUBLIC_URL: 'https://kehoach.tinh.gov.vn/',
      KEHOACH_SMTP_PORT: '2626',
    },
    '/srv/kehoach',
  ).notify;
  t.equal(config.smtpUrl, 'smtps://kehoach:secret@mail.tinh.gov.vn:465');
  t.equal(config.mailFrom, 'Văn phòng UBND tỉnh <kehoach@tinh.gov.vn>');
  t.same(config.webhookSecrets, { 'https://hooks.tinh.gov.vn': secret });
  t.equal(config.publicUrl, 'https://kehoach.tinh.gov.vn');
  t.equal(config.catcherPort, 2626);

  t.throws(() => loadConfig({ SMTP_URL: 'mail.tinh.gov.vn:25' }), /SMTP_URL must be smtp:\/\//);
  t.throws(() => loadConfig({ KEHOACH_WEBHOOK_SECRET: 'hunter2' }), /KEHOACH_WEBHOOK_SECRET must be a Standard Webhooks secret/);
  t.throws(() => loadConfig({ KEHOACH_WEBHOOK_SECRETS: '{"https://x.example":"plain"}' }), /KEHOACH_WEBHOOK_SECRETS must be a JSON object/);
  t.throws(() => loadConfig({ KEHOACH_WEBHOOK_SECRETS: 'not json' }), ConfigError);
});

t.test('the API log level: KEHOACH_LOG_LEVEL, else debug for KEHOACH_DEBUG, else the command decides; a typo stops the start', async (t) => {
  t.equal(loadConfig({}, '/srv/kehoach').logLevel, undefined);
  t.equal(loadConfig({ KEHOACH_DEBUG: '1' }, '/srv/kehoach').logLevel, 'debug');
  t.equal(loadConfig({ KEHOACH_DEBUG: '1', KEHOACH_LOG_LEVEL: 'error' }, '/srv/kehoach').logLevel, 'error');
  t.throws(() => loadConfig({ KEHOACH_LOG_LEVEL: 'verbose' }, '/srv/kehoach'), {
    name: 'ConfigError',
    message: /KEHOACH_LOG_LEVEL must be one of fatal, error/,
  });
});

t.test('KEHOACH_TRUST_PROXY: true or addresses; nothing believed by default', async (t) => {
  t.equal(loadConfig({}).trustProxy, undefined);
  t.equal(loadConfig({ KEHOACH_TRUST_PROXY: 'false' }).trustProxy, undefined);
  t.equal(loadConfig({ KEHOACH_TRUST_PROXY: 'true' }).trustProxy, true);
  t.equal(loadConfig({ KEHOACH_TRUST_PROXY: ' 10.0.0.0/8, loopback ' }).trustProxy, '10.0.0.0/8,loopback');
  t.throws(() => loadConfig({ KEHOACH_TRUST_PROXY: 'nginx; rm' }), {
    name: 'ConfigError',
    message: /KEHOACH_TRUST_PROXY must be true or the proxies' addresses/,
  });
});
