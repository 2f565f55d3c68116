/**
 * Kubernetes name rules (IsQualifiedName, IsValidLabelValue) with kube-apiserver's own wording,
 * shared by the simulated API server, the node API's pre-flight validation and the browser's editors.
 */
import { dns1123SubdomainRe } from '@/lib/protocol/names';

const qualifiedNameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const qualifiedNameFmt =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueFmt =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const subdomainFmt =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Returns the list of problems with a label/annotation/taint key (k8s IsQualifiedName); empty when valid. */
export function qualifiedNameErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
      if (!dns1123SubdomainRe.test(prefix)) errs.push(subdomainFmt);
    }
  } else {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else {
    if (name.length > 63) errs.push('name part must be no more than 63 characters');
    if (!qualifiedNameRe.test(name)) errs.push(qualifiedNameFmt);
  }
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!labelValueRe.test(value)) errs.push(labelValueFmt);
  return errs;
}

/** One short problem for an editor field (the API answers with the full wording), or null when valid. */
export function validateLabelKey(key: string): string | null {
  if (key === '') return 'key is required';
  const slash = key.indexOf('/');
  if (slash >= 0 && key.slice(0, slash).length > 253) return 'key prefix must be at most 253 characters';
  if (key.slice(slash + 1).length > 63) return 'key name must be at most 63 characters';
  return qualifiedNameErrors(key).length
    ? 'key must be [prefix/]name: alphanumerics, "-", "_", "." (prefix a DNS subdomain)'
    : null;
}

export function validateLabelValue(value: string): string | null {
  if (value.length > 63) return 'value must be at most 63 characters';
  return labelValueErrors(value).length
    ? 'value must be alphanumerics, "-", "_", "." and start/end alphanumeric'
    : null;
}

const systemDomains = ['kubernetes.io', 'k8s.io'];

/** Keys under kubernetes.io / k8s.io (and their subdomains, e.g. node-role.kubernetes.io) belong to the system. */
export function isSystemKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const prefix = key.slice(0, slash);
  return systemDomains.some((d) => prefix === d || prefix.endsWith(`.${d}`));
}
