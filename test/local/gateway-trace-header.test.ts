import { GatewaySampler, gatewayTraceHeaders } from '../../tools/local/gateway/trace-header';

describe('the local API Gateway trace header', () => {
  it("continues a caller's X-Ray trace and keeps its sampling decision, with a segment of its own as parent", () => {
    const never = new GatewaySampler(
      0,
      () => 0,
      () => 1,
    );
    const h = gatewayTraceHeaders('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0', never);
    expect(h.event).toMatch(/^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=(?!53995c3f42cd8ad8)[0-9a-f]{16};Sampled=0$/);
    expect(h.lambda).toMatch(/^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=[0-9a-f]{16};Sampled=0$/);
    expect(h.response).toBe('Root=1-5759e988-bd862e3fe1be46a994272793');
  });

  it('begins a trace stamped with the current time when the caller sends none (or garbage)', () => {
    const now = 1_700_000_000_000; // the clock is the test's: any instant
    const h = gatewayTraceHeaders('Root=nonsense', new GatewaySampler(1), now);
    expect(h.event).toMatch(new RegExp(`^Root=1-${Math.floor(now / 1000).toString(16)}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$`));
  });

  it("samples like X-Ray's default rule: the first request each second, then the configured rate", () => {
    let now = 10_000;
    let roll = 0.5;
    const sampler = new GatewaySampler(
      0.05,
      () => now,
      () => roll,
    );
    expect(sampler.sample()).toBe(true); // the reservoir
    expect(sampler.sample()).toBe(false); // 0.5 ≥ 5 %
    roll = 0.01;
    expect(sampler.sample()).toBe(true);
    roll = 0.5;
    now += 1000;
    expect(sampler.sample()).toBe(true); // a new second refills the reservoir
  });
});
