import { ClusterPage } from '../../../components/cluster-page';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClusterPage clusterId={decodeURIComponent(id)} />;
}
