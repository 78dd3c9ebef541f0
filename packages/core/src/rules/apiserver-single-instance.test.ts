import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { apiServerSingleInstance } from './apiserver-single-instance';

describe('ApiServerSingleInstance', () => {
  it.each([
    ['one instance', 1, ['10.0.0.11:6443']],
    ['three instances', 3, []],
    ['none known', 0, []],
  ])('%s', (_name, count, subjects) => {
    expect(judgeRule(apiServerSingleInstance, aCluster().withApiServers(count)).map((d) => d.subject)).toEqual(
      subjects,
    );
  });
});
