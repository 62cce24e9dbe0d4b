import { checkBoolean, checkKeys, checkList, checkString, describe, isRecord, type ProblemList } from './checks.js';
import { hostKeyNames } from './model.js';

const userKeys = [
  'name',
  'gecos',
  'homedir',
  'shell',
  'primary_group',
  'groups',
  'sudo',
  'lock_passwd',
  'system',
  'ssh_authorized_keys',
];
// The key type and base64 blob, possibly after authorized_keys options.
const publicKeyPattern = /(^|\s)(ssh-[A-Za-z0-9@.-]+|ecdsa-sha2-[A-Za-z0-9@.-]+|sk-[A-Za-z0-9@.-]+)\s+[A-Za-z0-9+/]+={0,3}(\s|$)/;
const namePattern = /^[a-z_][a-z0-9_-]{0,31}\$?$/;

/** Checks one `users` entry: `'default'`, a user name, or a user mapping. */
export function checkUser(value: unknown, path: string, problems: ProblemList): void {
  if (typeof value === 'string') {
    if (value !== 'default' && !namePattern.test(value)) problems.add(path, userNameProblem(value));
    return;
  }
  if (!isRecord(value)) {
    problems.add(path, `must be "default", a user name, or a mapping with "name", got ${describe(value)}`);
    return;
  }
  checkKeys(value, userKeys, path, problems);
  if (value['name'] === undefined) problems.add(`${path}.name`, 'is required');
  else if (checkString(value['name'], `${path}.name`, problems) && !namePattern.test(value['name'])) {
    problems.add(`${path}.name`, userNameProblem(value['name']));
  }
  for (const key of ['gecos', 'shell', 'primary_group']) {
    if (value[key] !== undefined) checkString(value[key], `${path}.${key}`, problems);
  }
  if (value['homedir'] !== undefined && checkString(value['homedir'], `${path}.homedir`, problems)) {
    if (!value['homedir'].startsWith('/')) problems.add(`${path}.homedir`, 'must be an absolute path');
  }
  checkGroups(value['groups'], `${path}.groups`, problems);
  checkSudo(value['sudo'], `${path}.sudo`, problems);
  for (const key of ['lock_passwd', 'system']) {
    if (value[key] !== undefined) checkBoolean(value[key], `${path}.${key}`, problems);
  }
  if (value['ssh_authorized_keys'] !== undefined) {
    checkAuthorizedKeys(value['ssh_authorized_keys'], `${path}.ssh_authorized_keys`, problems);
  }
}

function userNameProblem(name: string): string {
  return `${JSON.stringify(name)} is not a valid user name (lower-case letters, digits, "_" and "-", starting with a letter or "_")`;
}

function checkGroups(value: unknown, path: string, problems: ProblemList): void {
  if (value === undefined) return;
  const groups = typeof value === 'string' ? value.split(',').map((g) => g.trim()) : value;
  checkList(groups, path, problems, (group, itemPath) => {
    if (checkString(group, itemPath, problems) && !namePattern.test(group)) {
      problems.add(itemPath, `${JSON.stringify(group)} is not a valid group name`);
    }
  });
}

function checkSudo(value: unknown, path: string, problems: ProblemList): void {
  if (value === undefined || value === false) return;
  const rules = typeof value === 'string' ? [value] : value;
  checkList(rules, path, problems, (rule, itemPath) => {
    if (checkString(rule, itemPath, problems) && /[\n\r]/.test(rule)) {
      problems.add(itemPath, 'a sudoers rule must be one line');
    }
  });
}

/** Checks a list of OpenSSH public keys, one line each. */
export function checkAuthorizedKeys(value: unknown, path: string, problems: ProblemList): void {
  checkList(value, path, problems, (key, itemPath) => {
    if (!checkString(key, itemPath, problems)) return;
    if (/[\n\r]/.test(key.trim())) problems.add(itemPath, 'must be one line (one key per list entry)');
    else if (!publicKeyPattern.test(key.trim())) {
      problems.add(itemPath, 'is not an OpenSSH public key ("ssh-ed25519 AAAA… comment")');
    }
  });
}

/** Checks `ssh_keys`: host key pairs by type. */
export function checkHostKeys(value: unknown, path: string, problems: ProblemList): void {
  if (!isRecord(value)) {
    problems.add(path, `must be a mapping such as { ed25519_private: …, ed25519_public: … }, got ${describe(value)}`);
    return;
  }
  checkKeys(value, hostKeyNames, path, problems);
  for (const [name, key] of Object.entries(value)) {
    if (!hostKeyNames.includes(name as (typeof hostKeyNames)[number])) continue;
    if (!checkString(key, `${path}.${name}`, problems)) continue;
    const type = name.split('_')[0] ?? '';
    const pair = name.endsWith('_private') ? `${type}_public` : `${type}_private`;
    if (value[pair] === undefined) problems.add(`${path}.${name}`, `needs its pair "${pair}"`);
    if (name.endsWith('_private') && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
      problems.add(`${path}.${name}`, 'is not a PEM or OpenSSH private key');
    }
  }
}
