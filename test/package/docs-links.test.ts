import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/temp-dir.js';
import { cliHome } from '../src/cli/cli-harness.js';
import { anchorsOf, brokenLinks, headingSlug, headingsOf, relativeLinksOf } from './markdown-links.js';
import { repoRoot } from './package-layout.js';

const run = promisify(execFile);

/** The documentation: README.md and every page under docs/, as paths inside the repository. */
function documentation(): string[] {
  const pages = readdirSync(path.join(repoRoot, 'docs'), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file).split(path.sep).join('/'))
    .sort();
  return ['README.md', ...pages];
}

/**
 * The commands `envboot --help` lists: the first name of each (`scp` of `scp|cp`), `help`
 * itself left out. A wrapped description's next line is indented further, so it is no command.
 */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:\n/m)[1]?.split(/\n\s*\n/)[0] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

describe('the anchors and links of the documentation', () => {
  it('makes the anchors GitHub makes of headings', () => {
    const cases: [string, string][] = [
      ['The `local` provider', 'the-local-provider'],
      ['Cloud-config (`envboot/cloudinit`)', 'cloud-config-envbootcloudinit'],
      ['JSON output (`--json`)', 'json-output---json'],
      ['When something is not right, `status` says why', 'when-something-is-not-right-status-says-why'],
      ['environments.yaml', 'environmentsyaml'],
      ['The SSH user: the image\'s default user, not root', 'the-ssh-user-the-images-default-user-not-root'],
      ['write_files and [links](x.md#y)', 'write_files-and-links'],
      ['mem≥2G', 'mem2g'],
    ];
    for (const [text, anchor] of cases) assert.equal(headingSlug(text), anchor, text);
  });

  it('numbers repeated headings and ignores what looks like one inside a code block', () => {
    const markdown = '# Top\n## Notes\n```yaml\n# Notes\n```\n## Notes\n### Notes #\n<a id="kept"></a>\n';
    assert.deepEqual(headingsOf(markdown).map((heading) => heading.anchor), ['top', 'notes', 'notes-1', 'notes-2']);
    assert.deepEqual([...anchorsOf(markdown)].sort(), ['kept', 'notes', 'notes-1', 'notes-2', 'top']);
  });

  it('finds relative links outside code, and leaves web addresses and code alone', () => {
    const markdown = 'See [a](docs/a.md#x), [b](<b c.md>) and [web](https://example.com).\n`[not](a-link.md)`\n```\n[nor](this.md)\n```\n';
    assert.deepEqual(relativeLinksOf(markdown), [{ line: 1, target: 'docs/a.md#x' }, { line: 1, target: 'b c.md' }]);
  });

  it('reports a missing file, a missing anchor and a link out of the repository, each with its line', async () => {
    const root = await tempDir('envboot-docs-links-');
    await mkdir(path.join(root, 'docs'));
    await writeFile(path.join(root, 'docs', 'page.md'), '# Page\n\n## Two words\n');
    await writeFile(path.join(root, 'README.md'), [
      '# Top', '', '[ok](docs/page.md#two-words) [self](#top) [dir](docs)',
      '[gone](docs/gone.md)', '[anchor](docs/page.md#two)', '[out](../elsewhere.md)', '',
    ].join('\n'));
    assert.deepEqual(brokenLinks(root, 'README.md'), [
      'README.md:4: (docs/gone.md): docs/gone.md does not exist',
      'README.md:5: (docs/page.md#two): docs/page.md has no heading with the anchor #two',
      'README.md:6: (../elsewhere.md) points outside the repository',
    ]);
  });

  it('has no broken link or anchor in README.md or any page under docs/', () => {
    const files = documentation();
    assert.ok(files.includes('docs/cli.md'), 'the pages were found');
    const broken = files.flatMap((file) => brokenLinks(repoRoot, file));
    assert.deepEqual(broken, [], `fix these links:\n${broken.join('\n')}`);
  });

  it('starts every page under docs/ with its title and a link back to the README, and lists every page in the README', () => {
    const readmeLinks = new Set(relativeLinksOf(readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).map((link) => link.target.split('#')[0]));
    const problems = documentation().slice(1).flatMap((page) => {
      const [title = '', blank, back = ''] = readFileSync(path.join(repoRoot, page), 'utf8').split('\n');
      const readme = path.relative(path.dirname(page), 'README.md').split(path.sep).join('/');
      return [
        ...(/^# \S/.test(title) && blank === '' ? [] : [`${page} does not start with a "# " title`]),
        ...(back.includes(`](${readme})`) ? [] : [`${page}: its third line is no link back to ${readme}`]),
        ...(readmeLinks.has(page) ? [] : [`README.md does not link ${page}`]),
      ];
    });
    assert.deepEqual(problems, []);
  });
});

describe('the documentation in the package', () => {
  it('ships README.md and every page under docs/, so that the README\'s links resolve in node_modules/envboot', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    const [manifest] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const shipped = new Set(manifest?.files.map((file) => file.path));
    const missing = documentation().filter((file) => !shipped.has(file));
    assert.deepEqual(missing, [], 'add docs/ to package.json\'s "files"');
  });
});

describe('docs/cli.md', () => {
  it('has a heading for every command `envboot --help` lists', async () => {
    const home = await cliHome('envboot-docs-');
    const help = await home.run(['--help']);
    assert.equal(help.code, 0, help.stderr);
    const commands = commandsOf(help.stdout);
    assert.ok(commands.includes('bootstrap') && commands.includes('destroy'), `the commands were read from:\n${help.stdout}`);
    const headings = new Set(headingsOf(readFileSync(path.join(repoRoot, 'docs', 'cli.md'), 'utf8'))
      .map((heading) => heading.text.replace(/`/g, '').replace(/^envboot\s+/, '').split(/[\s|(]/)[0]));
    const missing = commands.filter((command) => !headings.has(command));
    assert.deepEqual(missing, [], `docs/cli.md has no section for: ${missing.join(', ')} (add a "### NAME" heading under "Commands")`);
  });
});
