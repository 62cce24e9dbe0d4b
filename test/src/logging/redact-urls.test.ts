import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretRedactor } from '../../../src/index.js';

describe('SecretRedactor and URLs', () => {
  it("hides the password in a URL's user part wherever it appears, and leaves URLs without one alone", () => {
    const redactor = new SecretRedactor();
    assert.equal(
      redactor.redactText('configuring with http_proxy=http://user:s3cret@proxy.example.com:3128 and "https://u:p%40ss@h/x"'),
      'configuring with http_proxy=http://user:[REDACTED]@proxy.example.com:3128 and "https://u:[REDACTED]@h/x"',
    );
    assert.equal(redactor.redactText('http://proxy.example.com:3128/path and ssh://host:22'), 'http://proxy.example.com:3128/path and ssh://host:22');
  });
});
