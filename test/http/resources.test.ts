import { API_RESOURCES } from '../../infra/api-layout';
import { resourceOf } from '../../shared/http/routing';

const RESOURCES = API_RESOURCES.map((r) => r.resource);

describe('which API resource a path falls under (the local gateway serves the deployed layout with it)', () => {
  it('picks the resource that matches segment by segment before a greedy one', () => {
    expect(resourceOf(RESOURCES, '/jobs')).toEqual({ resource: '/jobs', pathParameters: null });
    expect(resourceOf(RESOURCES, '/jobs/batch')).toEqual({ resource: '/jobs/batch', pathParameters: null });
    expect(resourceOf(['/admin/{proxy+}', '/admin/stats'], '/admin/stats')).toEqual({ resource: '/admin/stats', pathParameters: null });
  });

  it('hands the rest of the path to a greedy resource as its proxy parameter, the longest prefix winning', () => {
    expect(resourceOf(RESOURCES, '/admin/queues/default/peek')).toEqual({
      resource: '/admin/{proxy+}',
      pathParameters: { proxy: 'queues/default/peek' },
    });
    expect(resourceOf(['/{proxy+}', '/admin/{proxy+}'], '/admin/stats')).toMatchObject({ resource: '/admin/{proxy+}' });
  });

  it('names path parameters of a templated resource, decoded', () => {
    expect(resourceOf(['/jobs/{id}'], '/jobs/01J%2FX')).toEqual({ resource: '/jobs/{id}', pathParameters: { id: '01J/X' } });
  });

  it('finds nothing for paths outside the layout, or a greedy resource with nothing after it', () => {
    for (const path of ['/', '/job', '/jobs/batch/more', '/admin', '/admin/', '/administrator/x'])
      expect(resourceOf(RESOURCES, path)).toBeUndefined();
  });
});
