import type { KObj } from './resources';
import type { Prng } from './prng';
import { formatTime } from './store';

export interface PodInput {
  name: string;
  namespace: string;
  nodeName: string;
  hostIP: string;
  podIP: string;
  now: number;
  labels: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string; uid: string };
  image: string;
  cpuMilli: number;
  memMi: number;
  emptyDir?: boolean;
  graceSeconds: number;
  daemon?: boolean;
}

/** A realistic Running pod bound to a node (as the scheduler and kubelet would leave it). */
export function makePod(p: PodInput): KObj {
  const at = formatTime(p.now);
  const volumes: Array<Record<string, unknown>> = [
    {
      name: 'kube-api-access',
      projected: {
        defaultMode: 420,
        sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }],
      },
    },
  ];
  if (p.emptyDir) volumes.push({ name: 'scratch', emptyDir: {} });
  const tolerations: Array<Record<string, unknown>> = p.daemon
    ? [{ operator: 'Exists' }]
    : [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: p.labels,
      ...(p.owner ? { ownerReferences: [{ ...p.owner, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: p.image,
          resources: { requests: { cpu: `${p.cpuMilli}m`, memory: `${p.memMi}Mi` } },
          volumeMounts: [
            {
              name: 'kube-api-access',
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
          ],
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      nodeName: p.nodeName,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: p.graceSeconds,
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      priority: p.daemon ? 2000001000 : 0,
      ...(p.daemon ? { priorityClassName: 'system-node-critical' } : {}),
      tolerations,
      volumes,
    },
    status: {
      phase: 'Running',
      conditions: [
        'PodReadyToStartContainers',
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at })),
      hostIP: p.hostIP,
      hostIPs: [{ ip: p.hostIP }],
      podIP: p.podIP,
      podIPs: [{ ip: p.podIP }],
      startTime: at,
      qosClass: 'Burstable',
      containerStatuses: [
        {
          name: 'main',
          ready: true,
          started: true,
          restartCount: 0,
          image: p.image,
          imageID: '',
          containerID: `containerd://${p.name}`,
          state: { running: { startedAt: at } },
        },
      ],
    },
  };
}

export function podSuffix(rng: Prng): string {
  return rng.alnum(5);
}
