'use client';
import { useMemo, useState } from 'react';
import { objectYaml } from '@/lib/client/node-yaml';
import { Button } from '@/components/ui/button';

/** The node object as read-only YAML (no managedFields) with a copy button; loaded only when opened. */
export default function NodeYaml({ object }: { object: unknown }) {
  const text = useMemo(() => objectYaml(object), [object]);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  if (!text) return <p className="text-xs text-slate-500">Loading…</p>;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center gap-2">
        <span className="text-xs text-slate-600">Read-only; managedFields omitted.</span>
        <Button className="ml-auto" data-testid="yaml-copy" onClick={() => void copy()}>
          {copied === 'copied' ? 'Copied' : 'Copy YAML'}
        </Button>
        <span role="status" className="sr-only">
          {copied === 'copied' ? 'YAML copied to the clipboard' : copied === 'failed' ? 'Copying failed' : ''}
        </span>
      </div>
      <pre
        data-testid="node-yaml"
        tabIndex={0}
        aria-label="Node YAML"
        className="max-h-[70vh] overflow-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-[11px] leading-snug text-slate-800"
      >
        {text}
      </pre>
    </div>
  );
}
