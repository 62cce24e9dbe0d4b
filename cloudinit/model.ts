/**
 * The cloud-config that envboot writes and runs, typed with cloud-config's own field
 * names, so that a plain object or a parsed cloud-config YAML file can be used as it is.
 * It is the subset envboot renders both as user-data and as a shell script; anything
 * else is refused by `validateCloudConfig` rather than silently ignored.
 */
export interface CloudConfig {
  /** Users to create; `'default'` is the distribution's default user. */
  readonly users?: readonly (UserConfig | string)[];
  /** Public keys for the default user's `authorized_keys`. */
  readonly ssh_authorized_keys?: readonly string[];
  /** Host keys to install, e.g. `ed25519_private` / `ed25519_public`. */
  readonly ssh_keys?: HostKeys;
  readonly package_update?: boolean;
  readonly package_upgrade?: boolean;
  /** Package names, or `[name, version]` pairs. */
  readonly packages?: readonly (string | readonly [string, string])[];
  readonly apt?: AptConfig;
  readonly write_files?: readonly WriteFile[];
  /** Commands run first, before anything else. */
  readonly bootcmd?: readonly Command[];
  /** Commands run last, after files and packages. */
  readonly runcmd?: readonly Command[];
  /** Printed when everything has been applied; `$UPTIME` and `$TIMESTAMP` are substituted. */
  readonly final_message?: string;
}

/**
 * A command: a string is run by `sh -c` (shell syntax allowed); a list is an argv, run
 * as is with no shell, so its arguments arrive byte for byte.
 */
export type Command = string | readonly string[];

export type HostKeyType = 'rsa' | 'ecdsa' | 'ed25519';
export type HostKeys = { readonly [K in `${HostKeyType}_${'private' | 'public'}`]?: string };

export interface UserConfig {
  readonly name: string;
  readonly gecos?: string;
  readonly homedir?: string;
  readonly shell?: string;
  readonly primary_group?: string;
  /** Supplementary groups, as a list or a comma-separated string. */
  readonly groups?: string | readonly string[];
  /** A sudoers rule such as `ALL=(ALL) NOPASSWD:ALL`; `false` or absent for none. */
  readonly sudo?: string | readonly string[] | false;
  /** Lock the password (the default, as in cloud-init). */
  readonly lock_passwd?: boolean;
  readonly system?: boolean;
  readonly ssh_authorized_keys?: readonly string[];
}

export interface AptConfig {
  /** apt's proxy for `http://` archives (`Acquire::http::Proxy`): a URL, or `DIRECT` for none. */
  readonly http_proxy?: string;
  /** apt's proxy for `https://` archives (`Acquire::https::Proxy`): a URL, or `DIRECT` for none. */
  readonly https_proxy?: string;
  /** The distribution's primary archive, per architecture (`default` for any other). */
  readonly primary?: readonly AptMirror[];
  /** Its security archive; as in cloud-init, `primary` stands in for it when absent (see `aptSteps`). */
  readonly security?: readonly AptMirror[];
  /** Extra sources, by name: written to `/etc/apt/sources.list.d/<name>.list`. */
  readonly sources?: Readonly<Record<string, AptSource>>;
}

/** One mirror of a distribution archive, for the architectures named (`default`: any other). */
export interface AptMirror {
  readonly arches: readonly string[];
  readonly uri: string;
}

export interface AptSource {
  /** A `deb …` line; `$RELEASE` becomes the distribution's code name. */
  readonly source?: string;
  /** The repository's ASCII-armored signing key. */
  readonly key?: string;
  /** The file name under `sources.list.d`, when not `<name>.list`. */
  readonly filename?: string;
}

/** How `content` is encoded, with the names cloud-init accepts. */
export type FileEncoding =
  | 'text/plain'
  | 'b64'
  | 'base64'
  | 'gz'
  | 'gzip'
  | 'gz+b64'
  | 'gz+base64'
  | 'gzip+b64'
  | 'gzip+base64';

export interface WriteFile {
  /** Absolute path on the machine. */
  readonly path: string;
  /** Text, encoded text (see `encoding`), or raw bytes (rendered as base64 in user-data). */
  readonly content?: string | Uint8Array;
  /** `user` or `user:group`; default root:root. */
  readonly owner?: string;
  /** An octal string such as `"0644"` (a YAML number would be read as decimal or octal by surprise). */
  readonly permissions?: string;
  readonly encoding?: FileEncoding;
  /** Append to the file instead of replacing it. */
  readonly append?: boolean;
  /** Write after packages are installed, for files in directories that packages create. */
  readonly defer?: boolean;
}

export const fileEncodings: readonly FileEncoding[] = [
  'text/plain',
  'b64',
  'base64',
  'gz',
  'gzip',
  'gz+b64',
  'gz+base64',
  'gzip+b64',
  'gzip+base64',
];

export const hostKeyNames: readonly (keyof HostKeys)[] = [
  'rsa_private',
  'rsa_public',
  'ecdsa_private',
  'ecdsa_public',
  'ed25519_private',
  'ed25519_public',
];
