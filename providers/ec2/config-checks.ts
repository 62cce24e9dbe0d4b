import { isIPv4, isIPv6 } from 'node:net';
import { blobNamesType, hostKeyTypes, parseSourceCidr, type Problem } from '../../src/provider-config/index.js';

/**
 * The value checks behind `validateEc2Config`, one per kind of value. Each reports every
 * problem it finds into `problems` (under `path`) and returns the checked value, or
 * undefined when there was a problem.
 */
export type Check<T> = (value: unknown, path: string, problems: Problem[]) => T | undefined;

/** `us-east-1`, `us-gov-west-1`, `us-isob-east-1`, `cn-north-1`. */
export const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export const checkRegion: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && regionPattern.test(value)) return value;
  const near = typeof value === 'string' ? value.trim().toLowerCase() : '';
  let hint = 'a region name looks like us-east-1 or eu-central-1 (`aws ec2 describe-regions` lists them)';
  if (regionPattern.test(near)) hint = `did you mean "${near}"?`;
  else if (regionPattern.test(near.slice(0, -1)) && /[a-z]$/.test(near)) {
    hint = `that is an availability zone; the region is ${near.slice(0, -1)} (to pick zones, set constraints: "zones=${near}")`;
  }
  problems.push({ path, message: `${describeValue(value)} is not an AWS region name; ${hint}` });
  return undefined;
};

const reservedBucketPrefixes = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const reservedBucketSuffixes = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** S3's naming rules for general purpose buckets; one problem for each rule the name breaks. */
export const checkBucket: Check<string> = (value, path, problems) => {
  if (typeof value !== 'string') {
    problems.push({ path, message: `must be an S3 bucket name such as "envboot-state", got ${describeValue(value)}` });
    return undefined;
  }
  const broken: string[] = [];
  const suggestion = value.toLowerCase().replace(/[_\s]+/g, '-');
  if (value.length < 3 || value.length > 63) broken.push(`is ${value.length} characters long; bucket names have 3 to 63 characters`);
  if (/[A-Z]/.test(value)) broken.push(`has upper-case letters; bucket names are lower case, e.g. "${suggestion}"`);
  if (/[_\s]/.test(value)) broken.push(`has underscores or spaces; use hyphens instead, e.g. "${suggestion}"`);
  const others = [...new Set(value.replace(/[a-zA-Z0-9.\-_\s]/g, ''))];
  if (others.length > 0) broken.push(`has ${others.map((c) => JSON.stringify(c)).join(', ')}; use only lower-case letters, digits, dots and hyphens`);
  if (!/^[a-zA-Z0-9]/.test(value) || !/[a-zA-Z0-9]$/.test(value)) broken.push('must start and end with a letter or digit');
  if (value.includes('..')) broken.push('has two dots in a row; separate dots with letters or digits');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) broken.push('is formatted as an IP address, which S3 does not allow; choose a name');
  for (const prefix of reservedBucketPrefixes.filter((p) => value.startsWith(p))) broken.push(`starts with "${prefix}", which S3 reserves; choose another name`);
  for (const suffix of reservedBucketSuffixes.filter((s) => value.endsWith(s))) broken.push(`ends with "${suffix}", which S3 reserves; choose another name`);
  for (const rule of broken) problems.push({ path, message: `${quote(value)} ${rule}` });
  return broken.length === 0 ? value : undefined;
};

/** Keys are at most 1,024 bytes; a prefix this long leaves room for envboot's own names. */
const maxPrefixBytes = 512;

/** An object key prefix, normalised to end with `/` (the empty prefix stays empty). */
export const checkPrefix: Check<string> = (value, path, problems) => {
  if (typeof value !== 'string') {
    problems.push({ path, message: `must be an object key prefix such as "envboot/prod/", got ${describeValue(value)}` });
    return undefined;
  }
  const broken: string[] = [];
  if (value.startsWith('/')) broken.push(`must not start with "/": S3 keys are relative, e.g. "${value.replace(/^\/+/, '')}"`);
  if (value.includes('//')) broken.push('has "//", an empty path segment; use single slashes');
  if (/[\p{Cc}]/u.test(value)) broken.push('has control characters (line breaks, tabs); use printable characters only');
  if (Buffer.byteLength(value) > maxPrefixBytes) broken.push(`is longer than ${maxPrefixBytes} bytes; S3 keys are at most 1024 bytes, so keep the prefix short`);
  for (const rule of broken) problems.push({ path, message: `${quote(value)} ${rule}` });
  if (broken.length > 0) return undefined;
  return value === '' || value.endsWith('/') ? value : `${value}/`;
};

export type ResourceKind = 'vpc' | 'subnet' | 'ami';

const resourceLabels: Readonly<Record<string, string>> = {
  vpc: 'a VPC', subnet: 'a subnet', ami: 'an AMI', sg: 'a security group', i: 'an instance', igw: 'an internet gateway', rtb: 'a route table',
  eni: 'a network interface', snap: 'a snapshot', vol: 'a volume',
};
const resourceExamples: Readonly<Record<ResourceKind, string>> = {
  vpc: 'vpc-0a1b2c3d4e5f67890', subnet: 'subnet-0a1b2c3d4e5f67890', ami: 'ami-0a1b2c3d4e5f67890',
};

/** An EC2 resource id: `vpc-`, `subnet-` or `ami-` and 8 or 17 lower-case hex digits. */
export function checkResourceId(kind: ResourceKind): Check<string> {
  const pattern = new RegExp(`^${kind}-([0-9a-f]{8}|[0-9a-f]{17})$`);
  const label = resourceLabels[kind] ?? kind;
  return (value, path, problems) => {
    if (typeof value === 'string' && pattern.test(value)) return value;
    const text = typeof value === 'string' ? value.trim() : '';
    const otherKind = /^([a-z]+)-[0-9a-f]+$/i.exec(text)?.[1]?.toLowerCase();
    let hint = `write "${kind}-" and 8 or 17 hex digits, e.g. ${resourceExamples[kind]}`;
    if (pattern.test(text.toLowerCase())) hint = `did you mean "${text.toLowerCase()}"?`;
    else if (/^([0-9a-f]{8}|[0-9a-f]{17})$/i.test(text)) hint = `did you mean "${kind}-${text.toLowerCase()}"?`;
    else if (otherKind !== undefined && otherKind !== kind && resourceLabels[otherKind] !== undefined) {
      hint = `that is ${resourceLabels[otherKind] ?? ''} id; ${hint}`;
    } else if (kind === 'ami' && typeof value === 'string') hint = `${hint}, or leave image out to let envboot choose one`;
    problems.push({ path, message: `${describeValue(value)} is not ${label} id; ${hint}` });
    return undefined;
  };
}

/**
 * One CIDR block or a list of them, IPv4 or IPv6, each a network address with a prefix
 * length (host bits set are refused: EC2 would quietly widen the block). Blocks come back
 * canonical, as the firewall compares them; duplicates are problems.
 */
export const checkCidrs: Check<string[]> = (value, path, problems) => {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ path, message: `must be a CIDR block or a list of them, e.g. 203.0.113.0/24, got ${describeValue(value)}` });
    return undefined;
  }
  const cidrs: string[] = [];
  list.forEach((item: unknown, index) => {
    const itemPath = Array.isArray(value) ? `${path}[${index}]` : path;
    const cidr = typeof item === 'string' ? parseCidr(item.trim()) : { problem: `${describeValue(item)} is not a CIDR block; write e.g. 203.0.113.0/24` };
    if ('problem' in cidr) problems.push({ path: itemPath, message: cidr.problem });
    else if (cidrs.includes(cidr.cidr)) problems.push({ path: itemPath, message: `${cidr.cidr} is listed twice; list each block once` });
    else cidrs.push(cidr.cidr);
  });
  return cidrs.length === list.length ? cidrs : undefined;
};

/** True for `0.0.0.0/0` and `::/0`: the rule opens SSH to the whole internet. */
export function isOpenToAll(cidr: string): boolean {
  return cidr.endsWith('/0');
}

/** A network and prefix length, canonical (`parseSourceCidr`, as the firewall compares them); one address alone is refused with the /32 or /128 it means. */
function parseCidr(text: string): { cidr: string } | { problem: string } {
  const bits = isIPv4(text) ? 32 : isIPv6(text) && !text.includes('%') ? 128 : undefined;
  if (bits !== undefined) return { problem: `${quote(text)} has no prefix length; for this one address write ${text}/${bits}` };
  const parsed = parseSourceCidr(text);
  return parsed.ok ? { cidr: parsed.cidr } : { problem: parsed.message };
}

const whereHostKeysAre = 'copy the line from the host\'s /etc/ssh/ssh_host_ed25519_key.pub, or from `ssh-keyscan -t ed25519 <host>` without the host name';

/**
 * An OpenSSH public key line (`ssh-ed25519 AAAA… comment`) whose key blob names the same
 * type as the line; returned as `type base64`, without the comment.
 */
export const checkHostKey: Check<string> = (value, path, problems) => {
  const line = typeof value === 'string' ? value.trim() : '';
  const [type = '', data = '', ...rest] = line.split(/\s+/);
  let problem: string | undefined;
  if (typeof value !== 'string') problem = `must be an OpenSSH public key line, got ${describeValue(value)}; ${whereHostKeysAre}`;
  // A private key pasted by mistake is a secret: never echo any of it.
  else if (line.includes('PRIVATE KEY')) problem = `is a private key; give the jump host's public host key instead: ${whereHostKeysAre}`;
  else if (line.includes('\n')) problem = `has more than one line; give one key: ${whereHostKeysAre}`;
  else if (!isHostKeyType(type) && isHostKeyType(data)) {
    problem = `looks like a known_hosts line; drop ${JSON.stringify(type)} in front and give "${data} ${(rest[0] ?? '').slice(0, 12)}…"`;
  } else if (type === 'ssh-dss') problem = 'is a DSA key, which OpenSSH no longer accepts; give the host\'s ed25519 key';
  else if (!isHostKeyType(type)) problem = `has key type ${quote(type)}; use one of ${hostKeyTypes.join(', ')}: ${whereHostKeysAre}`;
  else if (!blobNamesType(data, type)) problem = `has key data that is not a base64 ${type} key; ${whereHostKeysAre}`;
  if (problem === undefined) return `${type} ${data}`;
  problems.push({ path, message: problem });
  return undefined;
};

/** `a list`, `a mapping`, `string "x"`, `number 3`, `null`; long strings are never echoed (they may be secrets). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a date (${value.toISOString().slice(0, 10)}); quote it to make it a string`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quote(value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** A string in quotes, or its length only when it is long or has line breaks. */
export function quote(text: string): string {
  return text.length > 80 || text.includes('\n') ? `a string of ${text.length} characters (not shown)` : JSON.stringify(text);
}

function isHostKeyType(type: string): boolean {
  return (hostKeyTypes as readonly string[]).includes(type);
}
