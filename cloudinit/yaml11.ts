import yaml from 'js-yaml';

/**
 * Plain scalars that YAML 1.1 (PyYAML, which cloud-init uses) resolves to something
 * other than a string: the patterns of PyYAML's resolver, plus `y`/`n` from the 1.1
 * spec. js-yaml writes YAML 1.2 and already quotes most of these, but not all
 * (`1_000`, `0b1_0`, `1:2:3.5` …).
 */
const yaml11Implicit = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:<<|=)$/,
  /^(?:\d{4}-\d\d-\d\d|\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)$/,
];

/**
 * A type that represents no JavaScript value but claims every YAML 1.1 implicit scalar:
 * js-yaml quotes any string that some implicit type of its schema would resolve, so
 * adding it makes the dumper quote exactly the strings PyYAML would misread.
 */
const yaml11Guard = new yaml.Type('tag:envboot,2024:yaml11-implicit', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && yaml11Implicit.some((pattern) => pattern.test(data)),
  construct: (data: unknown) => data,
  predicate: () => false,
});

export const yaml11SafeSchema = yaml.DEFAULT_SCHEMA.extend({ implicit: [yaml11Guard] });
