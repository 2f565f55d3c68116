/**
 * The browser filters the node table with the same label-selector parser and name rules the
 * server uses, so `kubectl get nodes -l ...` semantics hold on both sides.
 */
export {
  LabelSelectorError,
  matchesSelector,
  parseLabelSelector,
  type LabelSelector,
  type Requirement,
} from '@/lib/shared/label-selector';
export { validateLabelKey, validateLabelValue } from '@/lib/shared/k8s-names';
