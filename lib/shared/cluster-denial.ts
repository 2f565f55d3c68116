/**
 * kube-apiserver words a refusal as `… is forbidden: User "u" cannot VERB resource "RES" in API group
 * "G" …` (or `cannot VERB path "/p"`). This reads who was refused and what, so the app can say it in
 * one line: "the cluster denies user labeler: create pods/eviction".
 */
export interface ClusterDenial {
  user: string;
  verb: string;
  /** `pods/eviction`, `nodes`, `deployments.apps`, or a non-resource path */
  resource: string;
}

const resourceRe = /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"/;
const pathRe = /User "([^"]*)" cannot (\S+) path "([^"]+)"/;

export function parseClusterDenial(message: string): ClusterDenial | undefined {
  const r = resourceRe.exec(message);
  if (r) {
    const [, user, verb, resource, group] = r;
    return { user: user!, verb: verb!, resource: group ? `${resource}.${group}` : resource! };
  }
  const p = pathRe.exec(message);
  return p ? { user: p[1]!, verb: p[2]!, resource: p[3]! } : undefined;
}

export function describeDenial(d: ClusterDenial): string {
  return `the cluster denies user ${d.user}: ${d.verb} ${d.resource}`;
}
