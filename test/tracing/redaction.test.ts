import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { parseTracingConfig } from '../../shared/tracing/config';
import { anonymizePath, applyTextRules, NON_PATH_RULES, redactAttributes, redactText } from '../../shared/tracing/redaction';
import { initTracing } from '../../shared/tracing/tracing';
import { prng } from '../support/random';

describe('redactText', () => {
  it.each([
    ['contact alice.smith+q@example.co.uk now', 'contact [email] now'],
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer [redacted]'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl here', 'jwt [jwt] here'],
    ['key AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A', 'key [aws-access-key] and [aws-access-key]'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key=[redacted]'],
    ['{"password": "hunter2", "user": "bob"}', '{"password": "[redacted]", "user": "bob"}'],
    ['postgres://app:s3cret@db.internal:5432/main', 'postgres://[redacted]@db.internal:5432/main'],
    ['card 4111 1111 1111 1111 declined', 'card [card] declined'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----', '[private-key]'],
  ])('removes secrets and personal data: %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('anonymises file paths but keeps their extension and a stable hash', () => {
    const once = redactText('failed to read /var/data/users/alice/report-2026.xlsx today');
    expect(once).toMatch(/^failed to read \[path:[0-9a-f]{8}\]\.xlsx today$/);
    expect(redactText('failed to read /var/data/users/alice/report-2026.xlsx today')).toBe(once);
    expect(redactText('C:\\Users\\bob\\secret.docx')).toMatch(/^\[path:[0-9a-f]{8}\]\.docx$/);
    expect(anonymizePath('/a/b/c')).toMatch(/^\[path:[0-9a-f]{8}\]$/);
  });

  it('leaves ordinary text, ids and numbers alone', () => {
    const text = 'job 01J0000000000000000000000A failed after 3 attempts (status 503) at 12:30';
    expect(redactText(text)).toBe(text);
    expect(redactText('order 1234567890123')).toBe('order 1234567890123'); // fails the Luhn check
  });

  it('skips the rules only for text no rule would change', () => {
    // Fragments that trigger each rule, pieces of them, and ordinary words, glued together at random.
    const fragments = [
      'a',
      'Z9',
      '_',
      '.',
      '-',
      '-----',
      '4111',
      '1111',
      '4242424242424242',
      '0',
      'eyJ',
      'eyJhbGciOi',
      'AKIA',
      'IOSFODNN7EXAMPLE',
      'ASIA',
      'AKIAIOSFODNN7EXAMPLE',
      'ASIAY34FZKBOKMUTVV7A',
      'eyJhbGciOi.eyJzdWIiOi.c2ln',
      'Y34FZKBOKMUTVV7A',
      'bob',
      'x@y.io',
      '@',
      ':',
      '=',
      '/',
      '\\',
      ' ',
      '://',
      'token',
      'password',
      'Bearer',
      'abcdefgh12',
      'C:',
      'var',
      'queue.name',
    ];
    const rand = prng(7);
    const random = (n: number) => Math.floor(rand() * n);
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: 1 + random(8) }, () => fragments[random(fragments.length)]).join('');
      expect([text, redactText(text)]).toEqual([text, applyTextRules(text)]);
      // A URL path (a route) gets every rule but the file-path ones, and skips them only when none applies.
      expect([text, redactText(text, { urlPath: true })]).toEqual([text, applyTextRules(text, NON_PATH_RULES)]);
    }
  });
});

describe('redactAttributes', () => {
  it('drops whole values of secret-named keys and anonymises path keys even when relative', () => {
    expect(
      redactAttributes(
        { 'db.password': 'x', 'job.filepath': 'in/cat.png', 'queue.name': 'q', n: 3 },
        { redactSensitive: true, allowlist: null },
      ),
    ).toEqual({
      'db.password': '[redacted]',
      'job.filepath': expect.stringMatching(/^\[path:[0-9a-f]{8}\]\.png$/),
      'queue.name': 'q',
      n: 3,
    });
  });

  it('keeps URL paths and routes readable, still without personal data', () => {
    const policy = { redactSensitive: true, allowlist: null };
    const kept = { 'url.path': '/admin/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'http.route': '/admin/queues/{queue}/peek' };
    expect(redactAttributes(kept, policy)).toEqual(kept);
    expect(redactAttributes({ 'url.path': '/users/bob@example.com/jobs' }, policy)).toEqual({ 'url.path': '/users/[email]/jobs' });
    expect(redactAttributes({ 'file.path': '/srv/in/cat.png', note: 'read /srv/in/cat.png' }, policy)).toEqual({
      'file.path': expect.stringMatching(/^\[path:[0-9a-f]{8}\]\.png$/),
      note: expect.stringMatching(/^read \[path:[0-9a-f]{8}\]\.png$/),
    });
  });

  it('hands back the same attributes, not a copy, when the policy changes nothing in them', () => {
    const policy = { redactSensitive: true, allowlist: null };
    const clean = { 'url.path': '/jobs', 'queue.name': 'q', tags: ['a', 'b'], n: 3 };
    expect(redactAttributes(clean, policy)).toBe(clean);
    expect(redactAttributes(clean, { redactSensitive: true, allowlist: ['url.path', 'queue.name', 'tags', 'n'] })).toBe(clean);
    expect(redactAttributes(clean, { redactSensitive: true, allowlist: ['n'] })).toEqual({ n: 3 });
    expect(redactAttributes({ ...clean, tags: ['a', 'x@y.io'] }, policy)).toEqual({ ...clean, tags: ['a', '[email]'] });
  });

  it('keeps only allowlisted keys, and leaves values alone with redaction off', () => {
    expect(redactAttributes({ 'job.id': 'J', 'user.email': 'a@b.c' }, { redactSensitive: false, allowlist: ['user.email'] })).toEqual({
      'user.email': 'a@b.c',
    });
  });
});

describe('redaction before any exporter', () => {
  it('hands even an in-memory exporter redacted spans only', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'always' }), {
      exporter,
      processor: 'simple',
      register: false,
    });
    const span = tracing.tracer.startSpan('job.process', {
      attributes: { 'user.email': 'dave@example.com', 'job.filepath': '/srv/in/x.tif' },
    });
    span.recordException(new Error('token=abc123 rejected'));
    span.end();
    await tracing.flush();
    const [exported] = exporter.getFinishedSpans();
    expect(exported!.attributes).toEqual({ 'user.email': '[email]', 'job.filepath': expect.stringMatching(/^\[path:[0-9a-f]{8}\]\.tif$/) });
    expect(exported!.events[0]!.attributes!['exception.message']).toBe('token=[redacted] rejected');
    // The recorded span itself is untouched: redaction is a view on the way out.
    expect((span as unknown as { attributes: Record<string, unknown> }).attributes['user.email']).toBe('dave@example.com');
    await tracing.shutdown();
  });
});
