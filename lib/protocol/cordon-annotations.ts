/**
 * Annotations every cordon made by this app writes on the node (single, batch, or a drain's): who, why
 * and when. The server writes them (lib/nodes/node-edits.ts); the UI shows them beside the cordon.
 */
export const CORDON_REASON_ANNOTATION = 'kube-node-manager.io/cordon-reason';
export const CORDON_BY_ANNOTATION = 'kube-node-manager.io/cordoned-by';
export const CORDON_AT_ANNOTATION = 'kube-node-manager.io/cordoned-at';
