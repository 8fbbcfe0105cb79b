/**
 * The WordPress image contexts (service/wordpress/nginx and php-fpm), read without Docker: the key
 * lines of their configuration, how the two agree, and that the API image ignores them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashBuildContext, isIgnored, parseDockerignore } from '../../stacks/lib/context-hash';
import { byteSize, directive, directives, type NginxDirective, nginxSeconds, parseDockerfile, parseNginx, parsePhpIni } from '../support/config-files';
import { writeTree } from '../support/service-fixtures';

const SERVICE = path.resolve(__dirname, '../../service');
const WORDPRESS = path.join(SERVICE, 'wordpress');
const NGINX = path.join(WORDPRESS, 'nginx');
const PHP = path.join(WORDPRESS, 'php-fpm');
const read = (file: string) => fs.readFileSync(file, 'utf8');

const server = (): readonly NginxDirective[] => directive(parseNginx(read(path.join(NGINX, 'default.conf'))), 'server').children ?? [];
const phpLocation = () => directive(server(), 'location', ['~', '\\.php$']).children ?? [];
const ini = () => parsePhpIni(read(path.join(PHP, 'uploads.ini')));

/** Every file below `dir`, relative and slash-separated. */
function filesBelow(dir: string, relative = ''): string[] {
  return fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    return entry.isDirectory() ? filesBelow(dir, child) : [child];
  });
}

describe('the nginx configuration', () => {
  it('passes PHP to php-fpm over the task loopback on port 9000', () => {
    expect(directive(phpLocation(), 'fastcgi_pass').args).toEqual(['127.0.0.1:9000']);
  });

  it('sends PHP only scripts that exist on the web root, with their full path', () => {
    expect([directive(phpLocation(), 'try_files').args, directive(phpLocation(), 'fastcgi_param', ['SCRIPT_FILENAME', '$document_root$fastcgi_script_name']).name]).toEqual([
      ['$uri', '=404'],
      'fastcgi_param',
    ]);
  });

  it('serves static files from the shared volume root /var/www/html', () => {
    expect(directive(server(), 'root').args).toEqual(['/var/www/html']);
  });

  it('accepts request bodies of 64 MB', () => {
    expect(directive(server(), 'client_max_body_size').args).toEqual(['64m']);
  });

  it('answers /healthz itself, without PHP and without an access log line', () => {
    const health = directive(server(), 'location', ['=', '/healthz']).children ?? [];
    expect([directive(health, 'return').args[0], directive(health, 'access_log').args, directives(health, 'fastcgi_pass')]).toEqual(['200', ['off'], []]);
  });

  it('routes pretty permalinks to index.php', () => {
    expect(directive(directive(server(), 'location', ['/']).children ?? [], 'try_files').args).toEqual(['$uri', '$uri/', '/index.php?$args']);
  });

  it('refuses PHP files in the uploads directory', () => {
    const uploads = directives(server(), 'location').find((l) => l.args.join(' ').includes('uploads'));
    expect(uploads?.children?.map((d) => `${d.name} ${d.args.join(' ')}`)).toEqual(['deny all']);
  });

  it('listens on the port the image exposes, which an unprivileged user may bind', () => {
    const listen = Number(directive(server(), 'listen').args[0]);
    const exposed = parseDockerfile(read(path.join(NGINX, 'Dockerfile')))
      .filter((i) => i.keyword === 'EXPOSE')
      .map((i) => Number(i.args));
    expect([exposed, listen > 1024]).toEqual([[listen], true]);
  });

  it('the reader rejects an unbalanced configuration, so these checks read what nginx reads', () => {
    expect(() => parseNginx('server { listen 8080;')).toThrow('"{" without "}"');
  });
});

describe('the php-fpm upload settings', () => {
  it('turn uploads on and allow 64 MB files in 64 MB requests', () => {
    expect(ini()).toMatchObject({ file_uploads: 'On', upload_max_filesize: '64M', post_max_size: '64M' });
  });

  it('let a script run 600 s, and nginx waits as long', () => {
    const phpSeconds = Number(ini().max_execution_time);
    expect([phpSeconds, nginxSeconds(directive(phpLocation(), 'fastcgi_read_timeout').args[0]) >= phpSeconds]).toEqual([600, true]);
  });

  it('give PHP more memory than the largest request it accepts', () => {
    expect(byteSize(ini().memory_limit)).toBeGreaterThan(byteSize(ini().post_max_size));
  });

  it('agree with nginx on the largest request', () => {
    expect(byteSize(directive(server(), 'client_max_body_size').args[0])).toBe(byteSize(ini().post_max_size));
    expect(byteSize(ini().upload_max_filesize)).toBeLessThanOrEqual(byteSize(ini().post_max_size));
  });
});

describe('the php-fpm image', () => {
  const dockerfile = () => parseDockerfile(read(path.join(PHP, 'Dockerfile')));

  it('builds on a pinned official WordPress fpm tag', () => {
    const from = dockerfile()
      .filter((i) => i.keyword === 'FROM')
      .map((i) => i.args);
    expect(from).toHaveLength(1);
    expect(from[0]).toMatch(/^wordpress:\d+\.\d+\.\d+-php\d+\.\d+-fpm$/);
  });

  it('installs the upload settings where PHP reads extra ini files, and the ping pool setting', () => {
    expect(
      dockerfile()
        .filter((i) => i.keyword === 'COPY')
        .map((i) => i.args),
    ).toEqual(['uploads.ini /usr/local/etc/php/conf.d/uploads.ini', 'zz-health.conf /usr/local/etc/php-fpm.d/zz-health.conf']);
  });

  it('answers the ping path nginx forwards', () => {
    const ping = parsePhpIni(read(path.join(PHP, 'zz-health.conf')));
    expect(directive(server(), 'location', ['=', ping['ping.path']]).children?.map((d) => d.name)).toContain('fastcgi_pass');
  });

  it('runs as www-data, the user the EFS access point enforces', () => {
    expect(
      dockerfile()
        .filter((i) => i.keyword === 'USER')
        .map((i) => i.args),
    ).toEqual(['www-data']);
  });
});

describe('the nginx image', () => {
  it('builds on a pinned unprivileged nginx and replaces its default site', () => {
    const instructions = parseDockerfile(read(path.join(NGINX, 'Dockerfile')));
    expect(instructions.find((i) => i.keyword === 'FROM')?.args).toMatch(/^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-alpine$/);
    expect(instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual(['default.conf /etc/nginx/conf.d/default.conf']);
  });
});

describe.each([
  ['nginx', NGINX],
  ['php-fpm', PHP],
])('the %s build context', (_name, dir) => {
  it('sends exactly the Dockerfile, its .dockerignore and the files the Dockerfile copies', () => {
    const copied = parseDockerfile(read(path.join(dir, 'Dockerfile')))
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args.split(/\s+/)[0]);
    expect(hashBuildContext(dir).files).toEqual(['.dockerignore', 'Dockerfile', ...copied].sort());
  });
});

describe('the API image context', () => {
  /** A copy of the API context: the real .dockerignore and Dockerfile, a stand-in for the built dist/. */
  function apiContext(): string {
    return writeTree({
      '.dockerignore': read(path.join(SERVICE, '.dockerignore')),
      Dockerfile: read(path.join(SERVICE, 'Dockerfile')),
      'dist/server.js': 'console.log("api");\n',
      'dist/server.js.LEGAL.txt': '',
      'dist/public/index.html': '<h1>api</h1>\n',
    });
  }

  it('leaves out every file of the WordPress contexts', () => {
    const rules = parseDockerignore(read(path.join(SERVICE, '.dockerignore')));
    const files = filesBelow(WORDPRESS).map((file) => `wordpress/${file}`);
    expect(files).toEqual(expect.arrayContaining(['wordpress/nginx/default.conf', 'wordpress/php-fpm/uploads.ini', 'wordpress/php-fpm/Dockerfile']));
    expect(files.filter((file) => !isIgnored(file, rules))).toEqual([]);
  });

  it('hashes the same with and without the WordPress contexts in it', () => {
    const dir = apiContext();
    const before = hashBuildContext(dir).hash;
    fs.cpSync(WORDPRESS, path.join(dir, 'wordpress'), { recursive: true });
    expect(hashBuildContext(dir).hash).toBe(before);
  });

  it('would change hash if a WordPress file were let in (the comparison above can fail)', () => {
    const dir = apiContext();
    const before = hashBuildContext(dir).hash;
    fs.cpSync(WORDPRESS, path.join(dir, 'wordpress'), { recursive: true });
    fs.appendFileSync(path.join(dir, '.dockerignore'), '!wordpress/nginx/default.conf\n');
    const after = hashBuildContext(dir);
    expect([after.hash === before, after.files.includes('wordpress/nginx/default.conf')]).toEqual([false, true]);
  });
});
