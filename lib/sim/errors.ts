/** kube-apiserver compatible error model: every failure becomes a meta/v1 Status object. */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A typed API error carrying everything needed to render kube-apiserver's Status body. */
export class SimApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'SimApiError';
  }

  toStatus(): StatusObject {
    const status: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

export interface ResourceRef {
  /** plural resource name, e.g. "nodes" */
  resource: string;
  /** API group, "" for core */
  group: string;
}

function groupDetails(ref: ResourceRef, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: ref.resource };
  if (ref.group) d.group = ref.group;
  return d;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export const apiErrors = {
  notFound(ref: ResourceRef, name: string): SimApiError {
    return new SimApiError(404, 'NotFound', `${qualified(ref)} "${name}" not found`, groupDetails(ref, name));
  },
  alreadyExists(ref: ResourceRef, name: string): SimApiError {
    return new SimApiError(
      409,
      'AlreadyExists',
      `${qualified(ref)} "${name}" already exists`,
      groupDetails(ref, name),
    );
  },
  conflict(ref: ResourceRef, name: string): SimApiError {
    return new SimApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(ref)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      groupDetails(ref, name),
    );
  },
  invalid(kind: string, group: string, name: string, causes: StatusCause[]): SimApiError {
    const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
    const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    const details: StatusDetails = { name, kind, causes };
    if (group) details.group = group;
    return new SimApiError(
      422,
      'Invalid',
      `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`,
      details,
    );
  },
  unprocessable(message: string): SimApiError {
    return new SimApiError(422, 'Invalid', message);
  },
  badRequest(message: string): SimApiError {
    return new SimApiError(400, 'BadRequest', message);
  },
  expired(message: string): SimApiError {
    return new SimApiError(410, 'Expired', message);
  },
  unauthorized(): SimApiError {
    return new SimApiError(401, 'Unauthorized', 'Unauthorized');
  },
  forbidden(user: string, verb: string, ref: ResourceRef, name: string, namespace?: string): SimApiError {
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    const msg = `${qualified(ref)}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${ref.resource}" in API group "${ref.group}" ${scope}`;
    return new SimApiError(403, 'Forbidden', msg, groupDetails(ref, name));
  },
  methodNotAllowed(): SimApiError {
    return new SimApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  },
  unsupportedMediaType(contentType: string): SimApiError {
    return new SimApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${contentType}")`,
    );
  },
  tooManyRequests(message: string, details?: StatusDetails): SimApiError {
    return new SimApiError(429, 'TooManyRequests', message, details);
  },
  internal(message: string): SimApiError {
    return new SimApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    });
  },
  pathNotFound(): SimApiError {
    return new SimApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  },
};
