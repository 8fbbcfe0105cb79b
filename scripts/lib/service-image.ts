/** The pure parts of `npm run image`: image names, what docker prints, sizes and the command line. */

/** The local repository of the service image; the tag is the content hash of its build. */
export const SERVICE_IMAGE_REPOSITORY = 'local/bookmarks-service';

/** `local/bookmarks-service:<first 16 hex digits of the content hash>` */
export function serviceImageReference(contentHash: string): string {
  if (!/^[0-9a-f]{16,}$/.test(contentHash)) throw new Error(`serviceImageReference: "${contentHash}" is not a hex content hash`);
  return `${SERVICE_IMAGE_REPOSITORY}:${contentHash.slice(0, 16)}`;
}

/** The same image in a registry at `host` (e.g. `127.0.0.1:5000`): the last path part and the tag are kept. */
export function registryReference(host: string, reference: string): string {
  const [name, tag] = splitTag(reference);
  return `${host}/${name.split('/').pop()}${tag === undefined ? '' : `:${tag}`}`;
}

/** `repo@sha256:…`: a reference that pulls exactly one manifest. */
export function digestReference(reference: string, digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`digestReference: "${digest}" is not a sha256 digest`);
  return `${splitTag(reference)[0]}@${digest}`;
}

/** `[name, tag]` of a reference; the colon of a registry port is not a tag. */
function splitTag(reference: string): [string, string | undefined] {
  const at = reference.indexOf('@');
  const withoutDigest = at >= 0 ? reference.slice(0, at) : reference;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > withoutDigest.lastIndexOf('/')) return [withoutDigest.slice(0, colon), withoutDigest.slice(colon + 1)];
  return [withoutDigest, undefined];
}

/** The manifest digest `docker push` reports (`<tag>: digest: sha256:… size: 1234`); throws when it reports none. */
export function pushedDigest(output: string): string {
  const match = /digest: (sha256:[0-9a-f]{64})/.exec(output);
  if (!match) throw new Error(`pushedDigest: docker push printed no digest: "${output.trim().split('\n').slice(-2).join(' | ')}"`);
  return match[1];
}

/** Sizes as docker shows them: decimal megabytes, one decimal. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The options of `npm run image`. */
export interface ImageCommand {
  /** Run the image after building it, as the dev task definition says. */
  readonly run: boolean;
  /** A DynamoDB endpoint with the local environment's tables; without it, a seeded in-memory dynalite. */
  readonly endpoint?: string;
  /** The port the service listens on when run; without it, the task's. */
  readonly port?: number;
  /** Push the image to a local registry on 127.0.0.1. */
  readonly push: boolean;
}

export const IMAGE_USAGE =
  'usage: npm run image [-- --run [--endpoint http://127.0.0.1:8000] [--port 8080]] [-- --push]\n' +
  '  (no option)   build the bundle and the image on the local base, print its reference and size\n' +
  '  --run         then run it as the dev task definition says (Ctrl-C stops it); DynamoDB is a seeded\n' +
  "                in-memory dynalite, or --endpoint's, which must hold the local environment's tables\n" +
  '  --push        then push it to a local registry on 127.0.0.1 and print the digest';

/** Parses the arguments after `npm run image --`; throws with the usage on anything else. */
export function parseImageCommand(argv: readonly string[]): ImageCommand {
  let run = false;
  let push = false;
  let endpoint: string | undefined;
  let port: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value\n${IMAGE_USAGE}`);
      return next;
    };
    if (arg === '--run') run = true;
    else if (arg === '--push') push = true;
    else if (arg === '--endpoint') endpoint = value();
    else if (arg === '--port') port = Number(value());
    else throw new Error(`unknown argument "${arg}"\n${IMAGE_USAGE}`);
  }
  if ((endpoint !== undefined || port !== undefined) && !run) throw new Error(`--endpoint and --port go with --run\n${IMAGE_USAGE}`);
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw new Error(`--endpoint "${endpoint}" is not an http(s) URL such as http://127.0.0.1:8000`);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`--port ${argv[argv.indexOf('--port') + 1]} is not a TCP port; use 1 to 65535`);
  return { run, push, ...(endpoint === undefined ? {} : { endpoint: endpoint.replace(/\/$/, '') }), ...(port === undefined ? {} : { port }) };
}
