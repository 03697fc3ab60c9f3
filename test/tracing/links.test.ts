import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ActionPlatform,
  InvalidTraceIdError,
  TraceLinkError,
  type TraceViewer,
  TraceViewerConfigError,
  defaultPlatform,
  fromXRayTraceId,
  isShellSafeUrl,
  isSpanId,
  isTraceId,
  isXRayTraceId,
  normalizeTraceId,
  parseTraceViewer,
  posixQuote,
  powerShellQuote,
  safePreview,
  toXRayTraceId,
  traceActions,
  traceUrl,
} from '../../shared/tracing/links';
import { thrownBy } from '../support/errors';
import { prng, randomString } from '../support/random';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const XRAY_ID = '1-4bf92f35-77b34da6a3ce929d0e0e4736';

// Strings that break naive quoting in sh, bash or PowerShell.
const TRICKY = [
  '',
  "it's",
  "'",
  "''",
  '"double"',
  'a b  c',
  '$HOME',
  '$(touch CANARY)',
  '`touch CANARY`',
  "abc'; touch CANARY #",
  "'$(touch CANARY)'",
  'line1\nline2\n',
  '\\n\\t\\\\',
  '*?[a]~',
  '!!',
  '%s %d %%',
  '-n',
  'ünïcödé ‘curly’ “quotes”',
  '\t\r',
  ';|&<>(){}',
];

/** Deterministic, so a failure reproduces. */
function hasControlChars(s: string): boolean {
  return [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

function expectConfigError(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceViewerConfigError);
    expect((e as TraceViewerConfigError).field).toBe(field);
    expect(hasControlChars((e as Error).message)).toBe(false);
    return;
  }
  throw new Error(`expected a TraceViewerConfigError for ${field}`);
}

describe('trace ids', () => {
  it('recognises W3C ids: 32 lowercase hex, not all zeros', () => {
    expect(isTraceId(ID)).toBe(true);
    expect(isTraceId(ID.toUpperCase())).toBe(false);
    expect(isTraceId('0'.repeat(32))).toBe(false);
    expect(isTraceId(ID.slice(1))).toBe(false);
    expect(isTraceId(`${ID}0`)).toBe(false);
    expect(isTraceId(`${ID}\n`)).toBe(false);
    expect(isTraceId(42)).toBe(false);
  });

  it('recognises X-Ray ids: version 1, 8 hex of epoch seconds, 24 hex', () => {
    expect(isXRayTraceId(XRAY_ID)).toBe(true);
    expect(isXRayTraceId('2-4bf92f35-77b34da6a3ce929d0e0e4736')).toBe(false);
    expect(isXRayTraceId('1-00000000-000000000000000000000000')).toBe(false);
    expect(isXRayTraceId(ID)).toBe(false);
  });

  it('recognises span ids: 16 lowercase hex, not all zeros', () => {
    expect(isSpanId('00f067aa0ba902b7')).toBe(true);
    expect(isSpanId('0'.repeat(16))).toBe(false);
    expect(isSpanId('00F067AA0BA902B7')).toBe(false);
  });

  it('converts between the W3C and X-Ray forms, accepting either', () => {
    expect(toXRayTraceId(ID)).toBe(XRAY_ID);
    expect(toXRayTraceId(XRAY_ID)).toBe(XRAY_ID);
    expect(fromXRayTraceId(XRAY_ID)).toBe(ID);
    expect(fromXRayTraceId(ID)).toBe(ID);
  });

  it('normalises pasted ids: surrounding whitespace, upper case, X-Ray form', () => {
    expect(normalizeTraceId(` ${ID.toUpperCase()}\n`)).toBe(ID);
    expect(normalizeTraceId(XRAY_ID.toUpperCase())).toBe(ID);
  });

  it.each([
    "abc'; rm -rf / #",
    `${ID}'; rm -rf / #`,
    `$(rm -rf /)`,
    '`reboot`',
    `${ID.slice(0, 31)}\u212a`, // KELVIN SIGN lower-cases to "k"; must not sneak through
    `1-4bf92f35-77b34da6a3ce929d0e0e473g`,
    `1-4bf92f35-77b34da6a3ce929d0e0e4736-extra`,
    '0'.repeat(32),
    '',
  ])('refuses %j with InvalidTraceIdError', (bad) => {
    expect(() => normalizeTraceId(bad)).toThrow(InvalidTraceIdError);
  });

  it('names a bad id safely: escaped, truncated, never the raw text', () => {
    const hostile = `\x1b[31m${'x'.repeat(100)}\n"fake log line"`;
    const error = thrownBy(() => normalizeTraceId(hostile), InvalidTraceIdError);
    expect(error.code).toBe('INVALID_TRACE_ID');
    expect(error.input).toBe(`"\\u001b[31m${'x'.repeat(35)}"… (${hostile.length} chars)`);
    expect(error.message).toContain(error.input);
    expect(hasControlChars(error.message)).toBe(false);
    expect(safePreview(undefined)).toBe('<undefined>');
    expect(safePreview('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe('parseTraceViewer', () => {
  it('means no viewer when none is configured', () => {
    expect(parseTraceViewer()).toEqual({ kind: 'none' });
    expect(parseTraceViewer({ viewer: '' })).toEqual({ kind: 'none' });
  });

  it('builds each viewer kind, forgiving case and surrounding space in the name and trailing slashes', () => {
    expect(parseTraceViewer({ viewer: ' Jaeger ', baseUrl: 'http://localhost:16686/' })).toEqual({
      kind: 'jaeger',
      baseUrl: 'http://localhost:16686',
    });
    expect(parseTraceViewer({ viewer: 'zipkin', baseUrl: 'https://zipkin.example.com/base//' })).toEqual({
      kind: 'zipkin',
      baseUrl: 'https://zipkin.example.com/base',
    });
    expect(parseTraceViewer({ viewer: 'local', baseUrl: 'http://127.0.0.1:4318' })).toEqual({
      kind: 'local',
      baseUrl: 'http://127.0.0.1:4318',
    });
    expect(parseTraceViewer({ viewer: 'xray', region: 'eu-west-1' })).toEqual({ kind: 'xray', region: 'eu-west-1' });
    expect(parseTraceViewer({ viewer: 'custom', template: 'https://t.example.com/{traceID}' })).toEqual({
      kind: 'custom',
      template: 'https://t.example.com/{traceID}',
    });
  });

  it('returns a frozen viewer', () => {
    expect(Object.isFrozen(parseTraceViewer({ viewer: 'xray', region: 'eu-west-1' }))).toBe(true);
  });

  it('names the field and the accepted values when the viewer is unknown or a setting is missing', () => {
    expect(() => parseTraceViewer({ viewer: 'grafana' })).toThrow(
      'viewer: "grafana" is not accepted; expected one of none, local, jaeger, zipkin, xray, custom',
    );
    expectConfigError(() => parseTraceViewer({ viewer: 'jaeger' }), 'baseUrl');
    expectConfigError(() => parseTraceViewer({ viewer: 'xray' }), 'region');
    expectConfigError(() => parseTraceViewer({ viewer: 'custom' }), 'template');
    expect(() => parseTraceViewer({ viewer: 'xray' })).toThrow(/eu-west-1/);
  });

  it.each([
    ["http://localhost:16686'"],
    ['http://localhost:16686/"'],
    ['http://localhost:16686/$(touch CANARY)'],
    ['http://localhost:16686/`touch CANARY`'],
    ['http://localhost:16686/${HOME}'],
    ['http://localhost:16686/\ntouch CANARY'],
    ['http://localhost:16686/\r'],
    ['http://localhost:16686/a b'],
    ['http://localhost:16686\\@evil.example.com'],
    ['http://localhost:16686/%'],
    ['http://localhost:16686/%zz'],
    ['http://localhost:16686/‘'],
    ['http://lоcalhost:16686'], // Cyrillic "о"
    [' http://localhost:16686'],
    ['javascript:alert(1)'],
    ['JavaScript://%0aalert(1)'],
    ['file:///etc/passwd'],
    ['data:text/html,hi'],
    ['https:evil.example.com'],
    ['//evil.example.com'],
    ['localhost:16686'],
    ['http://user:secret@localhost:16686'],
    ['http://localhost:16686@evil.example.com'],
    ['http://localhost:16686/?q=1'],
    ['http://localhost:16686/#frag'],
    ['http://localhost:16686?'],
    ['http://'],
    [`http://localhost/${'a'.repeat(2100)}`],
  ])('refuses the base URL %j', (baseUrl) => {
    expectConfigError(() => parseTraceViewer({ viewer: 'jaeger', baseUrl }), 'baseUrl');
  });

  it.each(['eu-west-1', 'us-east-1', 'ap-southeast-2', 'il-central-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1'])(
    'accepts the region %s',
    (region) => expect(parseTraceViewer({ viewer: 'xray', region })).toEqual({ kind: 'xray', region }),
  );

  it.each([
    'us-east-1.evil.example.com#',
    'evil.example.com/x#',
    "us-east-1'",
    'us-east-1\n',
    'EU-WEST-1',
    'eu-west',
    'eu-isoe-west-1',
    'global',
    '',
  ])('refuses the region %j', (region) => {
    expectConfigError(() => parseTraceViewer({ viewer: 'xray', region }), 'region');
  });

  it('accepts templates with a placeholder, query strings and percent-escapes', () => {
    const template = 'https://grafana.example.com/explore?left=%7B%7D&traceId={trace_id}&x=(a,b)';
    expect(parseTraceViewer({ viewer: 'custom', template })).toEqual({ kind: 'custom', template });
  });

  it.each([
    ['no placeholder', 'https://t.example.com/trace/'],
    ['an unknown placeholder', 'https://t.example.com/{span_id}'],
    ['an unknown placeholder beside a known one', 'https://t.example.com/{trace_id}/{span_id}'],
    ['only a placeholder', '{trace_id}'],
    ['a javascript: URL', 'javascript:alert("{trace_id}")'],
    ['a javascript: URL without quotes', 'javascript:alert({trace_id})'],
    ['a data: URL', 'data:text/html,{trace_id}'],
    ['a single quote', "https://t.example.com/{trace_id}'; touch CANARY #"],
    ['a double quote', 'https://t.example.com/{trace_id}"'],
    ['a command substitution', 'https://t.example.com/$(touch CANARY)/{trace_id}'],
    ['a backtick', 'https://t.example.com/`touch CANARY`/{trace_id}'],
    ['a newline', 'https://t.example.com/{trace_id}\ntouch CANARY'],
    ['a space', 'https://t.example.com/{trace_id} x'],
    ['credentials', 'https://me:pw@t.example.com/{trace_id}'],
    ['a placeholder in the port', 'https://t.example.com:{trace_id}/'],
  ])('refuses a template with %s', (_, template) => {
    expectConfigError(() => parseTraceViewer({ viewer: 'custom', template }), 'template');
  });

  it('lets through only URLs whose characters are inert in a quoted shell argument (fuzzed)', () => {
    const alphabet = 'abc/:?#&=%41\'"`$\\ \n\t;|()<>{}!*~@,[]-._+\u2019é';
    const rand = prng(7);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const tail = randomString(rand, alphabet, 8);
      let viewer: TraceViewer;
      try {
        viewer = parseTraceViewer({ viewer: 'custom', template: `https://t.example.com/${tail}{trace_id}` });
      } catch (e) {
        expect(e).toBeInstanceOf(TraceViewerConfigError);
        continue;
      }
      accepted++;
      const url = traceUrl(viewer, ID) ?? '';
      expect(url).toMatch(/^https:\/\/t\.example\.com\/[A-Za-z0-9\-._~:/?#[\]@!&()*+,;=%]*$/);
      expect(url).not.toMatch(/%(?![0-9A-Fa-f]{2})/);
    }
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('traceUrl', () => {
  it.each<[TraceViewer, string]>([
    [{ kind: 'local', baseUrl: 'http://localhost:4318' }, `http://localhost:4318/traces/${ID}`],
    [{ kind: 'jaeger', baseUrl: 'http://localhost:16686' }, `http://localhost:16686/trace/${ID}`],
    [{ kind: 'zipkin', baseUrl: 'http://localhost:9411' }, `http://localhost:9411/zipkin/traces/${ID}`],
    [
      { kind: 'xray', region: 'eu-west-1' },
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/${XRAY_ID}`,
    ],
    [
      { kind: 'xray', region: 'cn-north-1' },
      `https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#xray:traces/${XRAY_ID}`,
    ],
    [
      { kind: 'xray', region: 'us-gov-west-1' },
      `https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#xray:traces/${XRAY_ID}`,
    ],
    [
      { kind: 'custom', template: 'https://t.example.com/{traceID}?id={trace_id}&xray={xray_trace_id}' },
      `https://t.example.com/${ID}?id=${ID}&xray=${XRAY_ID}`,
    ],
  ])('links %j to the trace', (viewer, url) => {
    expect(traceUrl(viewer, ID)).toBe(url);
    expect(traceUrl(viewer, XRAY_ID)).toBe(url);
  });

  it('has no URL when there is no viewer', () => {
    expect(traceUrl({ kind: 'none' }, ID)).toBeUndefined();
  });

  it('refuses a hostile trace id before building anything', () => {
    expect(() => traceUrl({ kind: 'jaeger', baseUrl: 'http://localhost:16686' }, "abc'; rm -rf / #")).toThrow(InvalidTraceIdError);
  });

  it.each<[string, unknown, string]>([
    ['a quoted base URL', { kind: 'jaeger', baseUrl: "http://h'; touch CANARY #" }, 'baseUrl'],
    ['a javascript: base URL', { kind: 'zipkin', baseUrl: 'javascript:alert(1)' }, 'baseUrl'],
    ['a base URL that is not a string', { kind: 'local', baseUrl: 42 }, 'baseUrl'],
    ['a region that redirects the host', { kind: 'xray', region: 'evil.example.com/x#' }, 'region'],
    ['a template with $(…)', { kind: 'custom', template: 'https://h/$(touch CANARY)/{trace_id}' }, 'template'],
    ['an unknown kind', { kind: 'shell', baseUrl: 'http://h' }, 'viewer'],
    ['no kind', {}, 'viewer'],
  ])('re-checks a viewer built by hand: refuses %s', (_, viewer, field) => {
    expectConfigError(() => traceUrl(viewer as TraceViewer, ID), field);
  });
});

describe('traceActions', () => {
  const jaeger = parseTraceViewer({ viewer: 'jaeger', baseUrl: 'http://localhost:16686' });
  const url = `http://localhost:16686/trace/${ID}`;

  it('offers copy, open and view, in the seed order, with macOS commands', () => {
    expect(traceActions(jaeger, ID, 'darwin')).toEqual([
      {
        type: 'copy',
        label: 'Copy Trace ID',
        description: 'Copy trace ID to clipboard',
        command: `printf '%s' '${ID}' | pbcopy`,
      },
      { type: 'open', label: 'Open Trace', description: 'Open trace in Jaeger', url, command: `open '${url}'` },
      { type: 'view', label: 'View Trace ID', description: `Trace ID: ${ID}` },
    ]);
  });

  it('uses xclip and xdg-open on Linux and mentions wl-copy for Wayland', () => {
    const [copy, open] = traceActions(jaeger, ID, 'linux');
    expect(copy?.command).toBe(`printf '%s' '${ID}' | xclip -selection clipboard`);
    expect(copy?.description).toContain('wl-copy');
    expect(open?.command).toBe(`xdg-open '${url}'`);
  });

  it('uses PowerShell on Windows', () => {
    const [copy, open] = traceActions(jaeger, ID, 'win32');
    expect(copy?.command).toBe(`Set-Clipboard -Value '${ID}'`);
    expect(open?.command).toBe(`Start-Process '${url}'`);
  });

  it('offers no open action without a viewer', () => {
    expect(traceActions({ kind: 'none' }, ID, 'linux').map((a) => a.type)).toEqual(['copy', 'view']);
  });

  it('copies and shows the X-Ray form for the X-Ray console', () => {
    const actions = traceActions(parseTraceViewer({ viewer: 'xray', region: 'us-east-1' }), ID, 'darwin');
    expect(actions.map((a) => a.type)).toEqual(['copy', 'open', 'view']);
    expect(actions[0]?.command).toBe(`printf '%s' '${XRAY_ID}' | pbcopy`);
    expect(actions[1]?.url).toContain(`#xray:traces/${XRAY_ID}`);
    expect(actions[2]?.description).toBe(`Trace ID: ${ID} (X-Ray: ${XRAY_ID})`);
  });

  it('writes the normalised id, never the text it was given', () => {
    const actions = traceActions(jaeger, `  ${ID.toUpperCase()}\n`, 'darwin');
    expect(actions[0]?.command).toBe(`printf '%s' '${ID}' | pbcopy`);
  });

  it.each(["abc'; rm -rf / #", `${ID}'; rm -rf / #`, `${ID}\nrm -rf /`, '$(rm -rf /)'])(
    'refuses the hostile id %j before building any command',
    (bad) => {
      for (const platform of ['darwin', 'linux', 'win32'] as const) {
        expect(() => traceActions(jaeger, bad, platform)).toThrow(InvalidTraceIdError);
      }
    },
  );

  it('refuses a platform it has no commands for', () => {
    expect(() => traceActions(jaeger, ID, 'aix' as ActionPlatform)).toThrow(TraceLinkError);
    expect(() => traceActions(jaeger, ID, 'constructor' as ActionPlatform)).toThrow(TraceLinkError);
  });

  it('defaults to the commands of the platform it runs on', () => {
    expect(['darwin', 'linux', 'win32']).toContain(defaultPlatform());
    expect(traceActions(jaeger, ID)).toEqual(traceActions(jaeger, ID, defaultPlatform()));
  });
});

describe('shell quoting', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trace-links-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['sh', 'bash'])('posixQuote round-trips tricky strings through %s and runs nothing', (shell) => {
    for (const s of TRICKY) {
      const out = execFileSync(shell, ['-c', `printf %s ${posixQuote(s)}`], { cwd: dir, encoding: 'utf8' });
      expect(out).toBe(s);
    }
    expect(existsSync(join(dir, 'CANARY'))).toBe(false);
  });

  it('posixQuote round-trips random strings through sh as exactly one argument', () => {
    const alphabet = 'ab \'"`$\\\n\t;|&()<>{}[]*?!#~%-=\u2019é';
    const rand = prng(11);
    const strings = Array.from({ length: 200 }, () => randomString(rand, alphabet, 12));
    // One shell for all strings; each argument is printed NUL-terminated so argument counts show.
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${strings.map(posixQuote).join(' ')}`], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(out.split('\0').slice(0, -1)).toEqual(strings);
  });

  it('posixQuote refuses NUL, which no argument can hold', () => {
    expect(() => posixQuote('a\0b')).toThrow(TypeError);
    expect(() => powerShellQuote('a\0b')).toThrow(TypeError);
  });

  it('powerShellQuote doubles every quote PowerShell treats as single and leaves the rest literal', () => {
    expect(powerShellQuote("it's")).toBe("'it''s'");
    expect(powerShellQuote('a\u2018b\u2019c\u201ad\u201be')).toBe("'a\u2018\u2018b\u2019\u2019c\u201a\u201ad\u201b\u201be'");
    expect(powerShellQuote('$env:PATH `n "x"')).toBe(`'$env:PATH \`n "x"'`);
  });

  it('isShellSafeUrl refuses every character that could end or escape the quoting', () => {
    const unsafe = ["'", '"', '`', '$', '\\', ' ', '\n', '\r', '\t', '\0', '\u2019', '%', '%4', '{', '}', '<', '>', '|', '^'];
    for (const c of unsafe) expect(isShellSafeUrl(`https://h/${c}`)).toBe(false);
    expect(isShellSafeUrl('https://h/a?b=%7B&c=(d);e')).toBe(true);
  });

  it.each<ActionPlatform>(['darwin', 'linux'])(
    'the %s commands deliver exactly the id to the clipboard and exactly the URL to the opener',
    (platform) => {
      const stub = (name: string, body: string) => {
        writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
        chmodSync(join(dir, name), 0o755);
      };
      for (const clip of ['pbcopy', 'xclip']) stub(clip, `cat > "$CLIP_OUT"`);
      for (const opener of ['open', 'xdg-open']) stub(opener, `printf '%s\\0' "$@" > "$OPEN_OUT"`);
      const env = {
        PATH: `${dir}:${process.env.PATH ?? ''}`,
        CLIP_OUT: join(dir, 'clip.out'),
        OPEN_OUT: join(dir, 'open.out'),
      };
      const template = 'https://t.example.com/x?a=1&b=(2);c={trace_id}#!';
      const viewer = parseTraceViewer({ viewer: 'custom', template });

      const [copy, open] = traceActions(viewer, ID, platform);
      execFileSync('sh', ['-c', copy?.command ?? 'false'], { cwd: dir, env });
      execFileSync('sh', ['-c', open?.command ?? 'false'], { cwd: dir, env });

      expect(readFileSync(join(dir, 'clip.out'), 'utf8')).toBe(ID);
      expect(readFileSync(join(dir, 'open.out'), 'utf8')).toBe(`${open?.url ?? ''}\0`);
    },
  );
});
