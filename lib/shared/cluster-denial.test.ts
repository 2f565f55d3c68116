import { describe, expect, it } from 'vitest';
import { describeDenial, parseClusterDenial } from './cluster-denial';

describe('cluster denial', () => {
  it("reads who and what from kube-apiserver's 403 wording", () => {
    const d = parseClusterDenial(
      'pods "web-1" is forbidden: User "labeler" cannot create resource "pods/eviction" in API group "" in the namespace "apps"',
    );
    expect(d).toEqual({ user: 'labeler', verb: 'create', resource: 'pods/eviction' });
    expect(describeDenial(d!)).toBe('the cluster denies user labeler: create pods/eviction');
    expect(
      parseClusterDenial(
        'daemonsets.apps is forbidden: User "system:serviceaccount:knm:app" cannot list resource "daemonsets" in API group "apps" at the cluster scope',
      ),
    ).toEqual({ user: 'system:serviceaccount:knm:app', verb: 'list', resource: 'daemonsets.apps' });
    expect(parseClusterDenial('forbidden: User "x" cannot get path "/metrics"')).toEqual({
      user: 'x',
      verb: 'get',
      resource: '/metrics',
    });
    expect(parseClusterDenial('Unauthorized')).toBeUndefined();
  });
});
