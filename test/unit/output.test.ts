import { describe, expect, it } from 'vitest';
import { Output } from '../../src/io/output.js';

function capture() {
  let text = '';
  const stream = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
  return { stream, text: () => text };
}

describe('Output', () => {
  it('decides colour per stream: a redirected stdout gets no escape codes while the terminal keeps them', () => {
    const stdout = capture();
    const stderr = capture();
    const out = new Output({ json: false, color: { stdout: false, stderr: true }, stdout: stdout.stream, stderr: stderr.stream });
    out.result({ report: true }, out.color.red('report'));
    out.message(out.color.red('progress'));
    expect(stdout.text()).toBe('report\n');
    expect(stderr.text()).toBe('\u001b[31mprogress\u001b[39m\n');
  });

  it('keeps colour on stdout when only stdout is a terminal', () => {
    const stdout = capture();
    const stderr = capture();
    const out = new Output({ json: false, color: { stdout: true, stderr: false }, stdout: stdout.stream, stderr: stderr.stream });
    out.result({ ok: true }, out.color.green('ok'));
    out.message(out.color.green('note'));
    expect(stdout.text()).toContain('\u001b[32m');
    expect(stderr.text()).toBe('note\n');
  });
});
