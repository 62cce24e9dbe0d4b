import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CloudConfigError, renderUserData, toCloudConfigYaml } from '../../cloudinit/index.js';
import { requireTool } from '../helpers/require-tool.js';
import { runCommand } from '../helpers/run-script.js';

const python = '/usr/bin/python3';

describe('renderUserData', () => {
  const config = { runcmd: ['echo hi'], write_files: [{ path: '/etc/a', content: 'a\n' }] };

  it('renders #cloud-config YAML', () => {
    const { body, document } = renderUserData(config);
    assert.equal(Buffer.from(body).toString(), document);
    assert.match(document, /^#cloud-config\n/);
    assert.match(document, /runcmd:\n {2}- echo hi\n/);
  });

  it('gzips and base64-encodes on request, losslessly', () => {
    const plain = renderUserData(config);
    const packed = renderUserData(config, { gzip: true, base64: true });
    const unpacked = gunzipSync(Buffer.from(Buffer.from(packed.body).toString('ascii'), 'base64')).toString();
    assert.equal(unpacked, plain.document);
    assert.equal(packed.documentBytes, plain.documentBytes);
    assert.ok(packed.payloadBytes > 0);
  });

  it('refuses user-data over the limit, stating the size after compression and the limit', () => {
    const big = { write_files: [{ path: '/big', content: randomBytes(20_000) }] };
    assert.throws(
      () => renderUserData(big, { gzip: true, maxBytes: 16_384 }),
      (error: unknown) => {
        assert.ok(error instanceof CloudConfigError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /^user-data is \d+ bytes after gzip compression, over the provider's limit of 16384 bytes/);
        return true;
      },
    );
    assert.throws(() => renderUserData(big, { maxBytes: 16_384 }), /bytes \(uncompressed; enable gzip to shrink it\)/);
  });

  it('refuses an invalid config before rendering anything', () => {
    assert.throws(() => renderUserData({ runcmd: [{}] } as never), /runcmd\[0\]: must be a command string/);
  });

  it('raw byte contents travel as base64 with encoding b64', () => {
    const yamlText = toCloudConfigYaml({ write_files: [{ path: '/bin/blob', content: new Uint8Array([0, 1, 255]) }] });
    assert.match(yamlText, /content: AAH\/\n {4}encoding: b64/);
  });

  it('builds MIME multipart when script parts are added, and refuses scripts without #!', () => {
    const { document } = renderUserData(config, { scripts: [{ filename: 'late.sh', content: '#!/bin/sh\necho late\n' }] });
    assert.match(document, /^Content-Type: multipart\/mixed; boundary="/);
    assert.match(document, /Content-Type: text\/cloud-config; charset="utf-8"/);
    assert.match(document, /Content-Type: text\/x-shellscript; charset="utf-8"/);
    assert.throws(() => renderUserData(config, { scripts: [{ filename: 'x', content: 'echo' }] }), /must start with "#!"/);
  });

  it("cloud-init's MIME parser gets every part back byte for byte", async (t) => {
    if (requireTool(t, python, 'the system Python reads MIME as cloud-init does') === undefined) return;
    const script = '#!/bin/sh\necho "ünïcode and a very long line: ' + 'x'.repeat(1200) + '"\n';
    const { document } = renderUserData(config, { scripts: [{ filename: 'late.sh', content: script }] });
    const reader = [
      'import email, json, sys',
      'msg = email.message_from_string(sys.stdin.read())',
      'print(json.dumps([[p.get_content_type(), p.get_filename(), p.get_payload(decode=True).decode()] for p in msg.walk() if not p.is_multipart()]))',
    ].join('\n');
    const run = await runCommand(python, ['-c', reader], { input: document });
    assert.equal(run.status, 0, run.stderr);
    const parts = JSON.parse(run.stdout) as [string, string, string][];
    assert.deepEqual(parts.map((p) => p.slice(0, 2)), [['text/cloud-config', 'cloud-config.yaml'], ['text/x-shellscript', 'late.sh']]);
    assert.equal(parts[0]?.[2].replace(/\n$/, ''), toCloudConfigYaml(config).replace(/\n$/, ''));
    assert.equal(parts[1]?.[2], script);
  });

  it("strings YAML 1.1 would misread stay strings for cloud-init's PyYAML", async (t) => {
    if (requireTool(t, python, 'PyYAML, the parser cloud-init uses') === undefined) return;
    const tricky = ['yes', 'No', 'on', 'OFF', 'y', 'n', '0644', '0o644', '1e3', '12:30', '1:20:30', '~', 'null', 'True', '0x1F', '2001-01-01', '.inf', '-.5', '+1', '0b101', '1_000', '0b1_0', '1:2:3.5', '190:20:30', '+.5', 'Y', 'N', '=', '<<', '', ' lead', 'trail ', "it's", 'a: b', '- x', '#x', '%x', '@x', '`x', '"q"', 'multi\nline\n', 'no-trailing\nnewline', '\ttab'];
    const text = toCloudConfigYaml({ runcmd: [tricky], final_message: 'yes' });
    const reader = 'import json, sys, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))';
    const run = await runCommand(python, ['-c', reader], { input: text });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { runcmd: [tricky], final_message: 'yes' });
  });
});
