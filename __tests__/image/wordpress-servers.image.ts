/**
 * The WordPress images' own configuration, checked with Debian's servers, since the images cannot be
 * built here (their bases are only in image registries: docs/wordpress.md). nginx's `default.conf` and
 * php-fpm's pool file `zz-health.conf` and `uploads.ini` are the repository's files unchanged; what the
 * bases add around them (nginx.conf's `http` block, the pool `www` with `listen 9000`) is written
 * here as the images have it. Debian has nginx 1.22 and PHP 8.2, not the images' 1.28 and 8.3.
 * Both servers then run together in network and mount namespaces of their own: nginx on 8080 and
 * php-fpm on 127.0.0.1:9000 as in the task, the web root at /var/www/html as on EFS.
 * `nginx` and `php-fpm` are installed with apt when missing (as root), as Chromium is for the page test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aptInstall } from '../../scripts/lib/apt';
import { ROOT } from '../support/image-suite';

jest.setTimeout(240_000);

const WORDPRESS = path.join(ROOT, 'service', 'wordpress');
const DEFAULT_CONF = path.join(WORDPRESS, 'nginx', 'default.conf');
const HEALTH_POOL = path.join(WORDPRESS, 'php-fpm', 'zz-health.conf');
const UPLOADS_INI = path.join(WORDPRESS, 'php-fpm', 'uploads.ini');
const NGINX = '/usr/sbin/nginx';
/** The web root nginx's default.conf names, as the task mounts EFS there. */
const WEB_ROOT = '/var/www/html';

/** Debian's php-fpm binary (`php-fpm8.2` in bookworm); undefined when not installed. */
function phpFpmBinary(): string | undefined {
  const name = fs.readdirSync('/usr/sbin').find((file) => /^php-fpm\d+\.\d+$/.test(file));
  return name === undefined ? undefined : path.join('/usr/sbin', name);
}

/** Runs a command; never throws for a failing one. */
function run(command: string, args: readonly string[]): { code: number | null; output: string } {
  const result = spawnSync(command, [...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** nginx.conf as the nginx image has it around conf.d/default.conf, with its files in `dir`. */
function nginxMainConfig(dir: string, site: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/${t}_temp;`).join('\n');
  return [
    'user www-data;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log notice;`,
    'events { worker_connections 64; }',
    'http {',
    '    include mime.types;',
    '    default_type application/octet-stream;',
    `    access_log ${dir}/access.log;`,
    temp,
    `    include ${site};`,
    '}',
    '',
  ].join('\n');
}

/**
 * php-fpm.conf as the wordpress:*-fpm image has it: the `www` pool on port 9000 (its www.conf and
 * zz-docker.conf), then the pool files of `poolDir` in name order, which is where zz-health.conf lands.
 */
function phpFpmMainConfig(dir: string, poolDir: string): string {
  return ['[global]', `pid = ${dir}/php-fpm.pid`, `error_log = ${dir}/php-fpm.log`, 'daemonize = no', `include = ${poolDir}/*.conf`, ''].join('\n');
}
const WWW_POOL = ['[www]', 'user = www-data', 'group = www-data', 'listen = 127.0.0.1:9000', 'pm = static', 'pm.max_children = 2', 'clear_env = no', ''].join('\n');

/** A configuration tree in a new folder: nginx's and php-fpm's, `default.conf` and `zz-health.conf` given as text. */
function configTree(defaultConf: string, healthPool: string): { dir: string; nginxConf: string; fpmConf: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wordpress-servers-'));
  for (const file of ['mime.types', 'fastcgi_params']) fs.copyFileSync(path.join('/etc/nginx', file), path.join(dir, file));
  fs.mkdirSync(path.join(dir, 'conf.d'));
  fs.writeFileSync(path.join(dir, 'conf.d', 'default.conf'), defaultConf);
  const nginxConf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(nginxConf, nginxMainConfig(dir, path.join(dir, 'conf.d', 'default.conf')));
  fs.mkdirSync(path.join(dir, 'php-fpm.d'));
  fs.writeFileSync(path.join(dir, 'php-fpm.d', 'www.conf'), WWW_POOL);
  fs.writeFileSync(path.join(dir, 'php-fpm.d', 'zz-health.conf'), healthPool);
  const fpmConf = path.join(dir, 'php-fpm.conf');
  fs.writeFileSync(fpmConf, phpFpmMainConfig(dir, path.join(dir, 'php-fpm.d')));
  return { dir, nginxConf, fpmConf };
}

/** A FastCGI request for `/fpm-ping` straight to php-fpm (no nginx), run by node; prints the response's stdout stream. */
const FASTCGI_PING = `
const net = require('net');
const record = (type, body) => { const h = Buffer.alloc(8); h[0] = 1; h[1] = type; h.writeUInt16BE(1, 2); h.writeUInt16BE(body.length, 4); return Buffer.concat([h, body]); };
const pair = (k, v) => Buffer.concat([Buffer.from([k.length, v.length]), Buffer.from(k), Buffer.from(v)]);
const params = Buffer.concat(Object.entries({ SCRIPT_NAME: '/fpm-ping', SCRIPT_FILENAME: '/fpm-ping', REQUEST_METHOD: 'GET', QUERY_STRING: '', SERVER_PROTOCOL: 'HTTP/1.1' }).map(([k, v]) => pair(k, v)));
const socket = net.connect(9000, '127.0.0.1', () => socket.write(Buffer.concat([record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), record(4, params), record(4, Buffer.alloc(0)), record(5, Buffer.alloc(0))])));
let data = Buffer.alloc(0);
socket.on('data', (d) => (data = Buffer.concat([data, d])));
socket.on('end', () => { let out = ''; for (let i = 0; i + 8 <= data.length; ) { const len = data.readUInt16BE(i + 4); if (data[i + 1] === 6) out += data.subarray(i + 8, i + 8 + len).toString(); i += 8 + len + data[i + 6]; } process.stdout.write(out); });
`;

let phpFpm: string;
let tree: ReturnType<typeof configTree>;
/** `sleep` holding the namespaces; nginx and php-fpm join them with nsenter. */
let holder: ChildProcess;
const servers: ChildProcess[] = [];

/** Runs a command in the holder's network and mount namespaces. */
function inNamespaces(command: string, args: readonly string[]): { code: number | null; output: string } {
  return run('nsenter', ['-t', String(holder.pid), '-n', '-m', command, ...args]);
}

/** `curl` in the namespaces: `<status> <body>`, with the response headers when asked. */
function get(urlPath: string, headers: readonly string[] = [], withHeaders = false): { status: number; body: string } {
  const args = ['-s', ...(withHeaders ? ['-i'] : []), '-o', '-', '-w', '\n%{http_code}', ...headers.flatMap((h) => ['-H', h]), `http://127.0.0.1:8080${urlPath}`];
  const { output } = inNamespaces('curl', args);
  const lines = output.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // Given Debian's nginx and php-fpm (installed with apt when missing)
  const missing = [...(fs.existsSync(NGINX) ? [] : ['nginx']), ...(phpFpmBinary() === undefined ? ['php-fpm'] : [])];
  if (missing.length > 0) await aptInstall(missing, { root: ROOT, logName: 'apt-wordpress-servers', purpose: 'the WordPress configuration tests' });
  phpFpm = phpFpmBinary() as string;
  // And the repository's default.conf and zz-health.conf in the configuration the bases put around them
  tree = configTree(fs.readFileSync(DEFAULT_CONF, 'utf8'), fs.readFileSync(HEALTH_POOL, 'utf8'));
});

afterAll(() => {
  for (const server of servers) server.kill('SIGQUIT');
  holder?.kill('SIGKILL');
  if (tree) fs.rmSync(tree.dir, { recursive: true, force: true });
});

describe('the WordPress nginx configuration (default.conf) with Debian’s nginx', () => {
  test('nginx -t accepts it', () => {
    const result = run(NGINX, ['-t', '-c', tree.nginxConf]);
    expect([result.code, /syntax is ok/.test(result.output)]).toEqual([0, true]);
  });

  test('nginx -t refuses a broken copy, naming the line', () => {
    const broken = configTree(fs.readFileSync(DEFAULT_CONF, 'utf8').replace('client_max_body_size 64m;', 'client_max_body_size 64q;'), fs.readFileSync(HEALTH_POOL, 'utf8'));
    const result = run(NGINX, ['-t', '-c', broken.nginxConf]);
    fs.rmSync(broken.dir, { recursive: true, force: true });
    expect([result.code, /"client_max_body_size" directive invalid value in .*default\.conf:\d+/.test(result.output)]).toEqual([1, true]);
  });
});

describe('the WordPress php-fpm pool file (zz-health.conf) and uploads.ini with Debian’s php-fpm', () => {
  test('php-fpm -t accepts the pool with it', () => {
    const result = run(phpFpm, ['-t', '-y', tree.fpmConf]);
    expect([result.code, /configuration file .* test is successful/.test(result.output)]).toEqual([0, true]);
  });

  test('php-fpm -t refuses a broken copy: a ping path must start with a slash', () => {
    const broken = configTree(fs.readFileSync(DEFAULT_CONF, 'utf8'), fs.readFileSync(HEALTH_POOL, 'utf8').replace('ping.path = /fpm-ping', 'ping.path = fpm-ping'));
    const result = run(phpFpm, ['-t', '-y', broken.fpmConf]);
    fs.rmSync(broken.dir, { recursive: true, force: true });
    expect([result.code, /ping path 'fpm-ping' must start with a '\/'/.test(result.output)]).toEqual([78, true]);
  });

  test('uploads.ini sets 64 MB uploads and posts, 128 MB of memory and 600 s of execution', () => {
    const info = run(phpFpm, ['-c', UPLOADS_INI, '-i']).output;
    const setting = (name: string) => new RegExp(`^${name} => (\\S+) =>`, 'm').exec(info)?.[1];
    expect(['upload_max_filesize', 'post_max_size', 'memory_limit', 'max_execution_time', 'max_input_time'].map(setting)).toEqual(['64M', '64M', '128M', '600', '600']);
  });
});

describe('nginx and php-fpm together, as in the task', () => {
  beforeAll(async () => {
    // Given a web root standing in for EFS: index.php reporting what WordPress would see, a stylesheet, an uploaded script, a dot file
    const site = path.join(tree.dir, 'html');
    fs.mkdirSync(path.join(site, 'wp-content', 'uploads'), { recursive: true });
    fs.writeFileSync(path.join(site, 'index.php'), '<?php echo "wordpress https=" . ($_SERVER["HTTPS"] ?? "") . " uri=" . $_SERVER["REQUEST_URI"];\n');
    fs.writeFileSync(path.join(site, 'style.css'), 'body{}\n');
    fs.writeFileSync(path.join(site, 'wp-content', 'uploads', 'shell.php'), '<?php echo "ran";\n');
    fs.writeFileSync(path.join(site, '.htaccess'), 'deny\n');
    fs.chmodSync(tree.dir, 0o755);
    // When both run in namespaces of their own: loopback up, the web root mounted at /var/www/html
    holder = spawn('unshare', ['--net', '--mount', '--propagation', 'private', 'sleep', '600'], { stdio: 'ignore' });
    await waitFor(() => run('nsenter', ['-t', String(holder.pid), '-n', 'true']).code === 0, 'the namespaces');
    const setup = [inNamespaces('ip', ['link', 'set', 'lo', 'up']), inNamespaces('mkdir', ['-p', WEB_ROOT]), inNamespaces('mount', ['--bind', site, WEB_ROOT])];
    const failed = setup.find((r) => r.code !== 0);
    if (failed) throw new Error(`preparing the namespaces failed: ${failed.output}`);
    servers.push(spawn('nsenter', ['-t', String(holder.pid), '-n', '-m', phpFpm, '-F', '-y', tree.fpmConf], { stdio: 'ignore' }));
    servers.push(spawn('nsenter', ['-t', String(holder.pid), '-n', '-m', NGINX, '-c', tree.nginxConf, '-g', 'daemon off;'], { stdio: 'ignore' }));
    await waitFor(() => get('/healthz').status === 200 && get('/fpm-ping').status === 200, 'nginx and php-fpm');
  });

  test('nginx answers /healthz itself', () => {
    expect(get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
  });

  test('php-fpm answers its ping over FastCGI on 127.0.0.1:9000, without nginx', () => {
    const { code, output } = inNamespaces(process.execPath, ['-e', FASTCGI_PING]);
    expect([code, output.split('\r\n\r\n')[1]]).toEqual([0, 'pong']);
  });

  test('nginx passes /fpm-ping to php-fpm', () => {
    expect(get('/fpm-ping')).toEqual({ status: 200, body: 'pong' });
  });

  test('a permalink reaches index.php with its URI, and HTTPS is on exactly when the load balancer says X-Forwarded-Proto: https', () => {
    expect([get('/2026/12/hello-world/').body, get('/2026/12/hello-world/', ['X-Forwarded-Proto: https']).body]).toEqual([
      'wordpress https= uri=/2026/12/hello-world/',
      'wordpress https=on uri=/2026/12/hello-world/',
    ]);
  });

  test('serves static files with a 30-day expiry and refuses uploaded scripts and dot files; a missing script is 404', () => {
    const css = get('/style.css', [], true);
    expect([
      css.status,
      /^Cache-Control: max-age=2592000/im.test(css.body),
      get('/wp-content/uploads/shell.php').status,
      get('/.htaccess').status,
      get('/missing.php').status,
    ]).toEqual([200, true, 403, 403, 404]);
  });
});
