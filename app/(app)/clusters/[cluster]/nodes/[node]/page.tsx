import { NodePage } from '@/components/node/node-page';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export default async function Page({ params }: { params: Promise<{ cluster: string; node: string }> }) {
  const { cluster, node } = await params;
  return <NodePage cluster={safeDecode(cluster)} node={safeDecode(node)} />;
}
