import { Buffer } from 'node:buffer';
import yaml from 'js-yaml';
import type { CloudConfig, WriteFile } from './model.js';
import { yaml11SafeSchema } from './yaml11.js';

/**
 * The `#cloud-config` YAML document of a (valid) config. js-yaml quotes every string
 * that YAML 1.1, which cloud-init's PyYAML speaks, would read as something else
 * (`yes`, `off`, `0644`, `1_000`, `~`; see `yaml11.ts`), so values arrive as the strings they are. Raw
 * byte contents become base64 with `encoding: b64`.
 */
export function toCloudConfigYaml(config: CloudConfig): string {
  const document = config.write_files === undefined ? config : { ...config, write_files: config.write_files.map(forYaml) };
  return `#cloud-config\n${yaml.dump(document, { lineWidth: -1, noRefs: true, schema: yaml11SafeSchema })}`;
}

function forYaml(file: WriteFile): WriteFile {
  if (!(file.content instanceof Uint8Array)) return file;
  return { ...file, content: Buffer.from(file.content).toString('base64'), encoding: 'b64' };
}
