/**
 * Runs `body` with `vars` set in `process.env` (undefined: unset), then puts every one back
 * as it was, even when `body` fails. For tests of what the AWS SDK reads from the
 * environment itself (endpoints, credentials, shared files); node:test runs one test file's
 * tests one after another, and each file in its own process.
 */
export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Readonly<Record<string, string | undefined>>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

/** Every proxy and CA variable envboot's AWS clients read, unset: what a test starts from (the machine running it may set some). */
export const noProxyEnvironment: Readonly<Record<string, undefined>> = {
  HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, ALL_PROXY: undefined, all_proxy: undefined,
  NO_PROXY: undefined, no_proxy: undefined, AWS_CA_BUNDLE: undefined,
};
