// A vitest reporter for the nested conformance runs (nested-conformance.ts): the messages of each
// failed test, as one JSON line per test appended to the file PG_NESTED_ERRORS names. Vitest's JSON
// report keeps an error's stack only, and a timeout's stack does not carry its message.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

/** One failed test: its file, its titles from the outermost suite down, its errors' messages. */
export interface NestedErrors {
  readonly file: string;
  readonly titles: readonly string[];
  readonly messages: readonly string[];
}

export default class NestedErrorsReporter implements Reporter {
  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const path = process.env.PG_NESTED_ERRORS;
    if (result.state !== 'failed' || path === undefined) return;
    const titles = [test.name];
    for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) titles.unshift(parent.name);
    const line: NestedErrors = { file: basename(test.module.moduleId), titles, messages: (result.errors ?? []).map((e) => e.message) };
    appendFileSync(path, `${JSON.stringify(line)}\n`);
  }
}
