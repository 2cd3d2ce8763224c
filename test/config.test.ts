import path from 'node:path';
import t from 'tap';
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
});

t.test('every variable read', async (t) => {
  const config = loadConfig(
    {
      PORT: '8080',
      HOST: '0.0.0.0',
      KEHOACH_DATA_DIR: '/var/lib/kehoach',
      DATABASE_URL: 'postgres://u:p@db:5432/kehoach',
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_NAMESPACE: 'nghe-an',
      KEHOACH_TEMPORAL_PORT: '7300',
      TEMPORAL_TLS_CERT: '/etc/tls/client.pem',
      TEMPORAL_TLS_KEY: '/etc/tls/client.key',
      TEMPORAL_API_KEY: '',
      KEHOACH_URL: 'https://kehoach.example/',
      KEHOACH_TOKEN: 'kh_abc',
    },
    '/',
  );
  t.equal(config.port, 8080);
  t.equal(config.dataDir, '/var/lib/kehoach');
  t.equal(config.databaseUrl, 'postgres://u:p@db:5432/kehoach');
  t.same(config.temporal, { address: 'temporal.example:7233', namespace: 'nghe-an', devServerPort: 7300, tls: { certFile: '/etc/tls/client.pem', keyFile: '/etc/tls/client.key' }, apiKey: undefined });
  t.equal(config.apiUrl, 'https://kehoach.example', 'trailing slash dropped');
  t.equal(config.apiToken, 'kh_abc');
  t.equal(loadConfig({ PORT: '4000' }).apiUrl, 'http://127.0.0.1:4000', 'the CLI follows PORT');
});

t.test('errors name the variable and say what to write', async (t) => {
  t.throws(() => loadConfig({ PORT: 'ba nghìn' }), { name: 'ConfigError', message: /PORT must be a TCP port number/ });
  t.throws(() => loadConfig({ PORT: '70000' }), { message: /PORT must be between 1 and 65535/ });
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), { message: /DATABASE_URL must start with postgres:\/\// });
  t.throws(() => loadConfig({ TEMPORAL_ADDRESS: 'http://temporal:7233' }), { message: /TEMPORAL_ADDRESS must be host:port/ });
  t.throws(() => loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' }), { message: /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/ });
  t.throws(() => loadConfig({ KEHOACH_URL: 'not a url' }), { message: /KEHOACH_URL must be a URL/ });
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
